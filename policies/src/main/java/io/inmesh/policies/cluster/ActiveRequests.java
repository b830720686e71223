package io.inmesh.policies.cluster;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests in flight to one endpoint, which LEAST_REQUEST reads. The HTTP client calls
 * {@link #started()} when it sends a routed request and {@link #finished()} exactly once when the
 * request ends, whatever the outcome (response, error, timeout, cancel). The counter belongs to
 * the endpoint's address within its cluster and survives EDS updates, so a request started before
 * an update still decrements the right counter.
 */
public final class ActiveRequests {

  private final AtomicInteger count = new AtomicInteger();

  public void started() {
    count.incrementAndGet();
  }

  public void finished() {
    count.decrementAndGet();
  }

  /** Requests in flight now (never negative in correct use). */
  public int count() {
    return Math.max(0, count.get());
  }

  @Override
  public String toString() {
    return "ActiveRequests{" + count.get() + "}";
  }
}
