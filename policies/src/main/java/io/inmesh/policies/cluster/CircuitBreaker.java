package io.inmesh.policies.cluster;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cluster's live circuit breaker counts in this process (Envoy's {@code ResourceManager}): they
 * survive CDS/EDS updates while the thresholds follow the latest {@link CircuitBreakers}. Each
 * admission is one atomic increment that is undone when it overflows, so counts never exceed a
 * threshold for long and no lock is taken. Overflows are counted for telemetry.
 */
public final class CircuitBreaker {

  private volatile CircuitBreakers thresholds;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final LongAdder requestOverflows = new LongAdder();
  private final LongAdder pendingOverflows = new LongAdder();
  private final LongAdder connectionOverflows = new LongAdder();
  private final LongAdder retryOverflows = new LongAdder();

  public CircuitBreaker(CircuitBreakers thresholds) {
    this.thresholds = thresholds == null ? CircuitBreakers.DEFAULT : thresholds;
  }

  /** Adopts a new cluster's thresholds; the counts stay. */
  public void update(CircuitBreakers next) {
    this.thresholds = next == null ? CircuitBreakers.DEFAULT : next;
  }

  public CircuitBreakers thresholds() {
    return thresholds;
  }

  public void requestFinished() {
    requests.decrementAndGet();
  }

  /**
   * {@code max_requests}, then {@code max_pending_requests}: a call over {@code max_requests}
   * that may wait (its client blocks the caller, as a client's own pool would when all its
   * connections are busy) queues, at most {@code max_pending_requests} such calls at once, until
   * a request finishes or {@code maxWaitNanos} pass; the rest overflow. Admitted: held until
   * {@link #requestFinished()}. Waiting polls (every 50 µs up to every millisecond): a queued
   * call starts within a millisecond of a free slot, and nothing is paid while none waits.
   *
   * @param maxWaitNanos how long the call may wait for a slot; 0 for a call that cannot wait
   */
  public boolean startRequest(long maxWaitNanos) {
    if (claim(requests, thresholds.maxRequests())) {
      return true;
    }
    if (maxWaitNanos <= 0) {
      requestOverflows.increment();
      return false;
    }
    if (!acquire(pending, thresholds.maxPendingRequests(), pendingOverflows)) {
      return false;
    }
    try {
      long deadline = System.nanoTime() + maxWaitNanos;
      long pause = 50_000;
      while (!claim(requests, thresholds.maxRequests())) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || Thread.currentThread().isInterrupted()) {
          pendingOverflows.increment();
          return false;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, pause));
        pause = Math.min(pause * 2, 1_000_000);
      }
      return true;
    } finally {
      pending.decrementAndGet();
    }
  }

  /**
   * {@code max_pending_requests}: for clients that know when a request waits for a connection
   * (held until {@link #pendingFinished()}).
   */
  public boolean tryStartPending() {
    return acquire(pending, thresholds.maxPendingRequests(), pendingOverflows);
  }

  public void pendingFinished() {
    pending.decrementAndGet();
  }

  /** {@code max_connections}: for clients that see their connection pool open a connection. */
  public boolean tryOpenConnection() {
    return acquire(connections, thresholds.maxConnections(), connectionOverflows);
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  /**
   * {@code max_retries}, or the {@code retry_budget} when set: admits one retry (held until
   * {@link #retryFinished()}, when the retried attempt ends).
   */
  public boolean tryStartRetry() {
    CircuitBreakers t = thresholds;
    long max = t.maxRetries();
    if (t.retryBudget() != null) {
      long active = requests.get() + pending.get();
      max = Math.max(t.retryBudget().minRetryConcurrency(),
          (long) (active * t.retryBudget().budgetPercent() / 100.0));
    }
    return acquire(retries, max, retryOverflows);
  }

  public void retryFinished() {
    retries.decrementAndGet();
  }

  private static boolean acquire(AtomicLong counter, long max, LongAdder overflows) {
    if (!claim(counter, max)) {
      overflows.increment();
      return false;
    }
    return true;
  }

  /** One unit of {@code counter} if that keeps it within {@code max}. */
  private static boolean claim(AtomicLong counter, long max) {
    if (counter.incrementAndGet() > max) {
      counter.decrementAndGet();
      return false;
    }
    return true;
  }

  public long activeRequests() {
    return requests.get();
  }

  public long pendingRequests() {
    return pending.get();
  }

  public long openConnections() {
    return connections.get();
  }

  public long activeRetries() {
    return retries.get();
  }

  /** {@code upstream_rq_pending_overflow} in Envoy's stats: requests refused with UO. */
  public long requestOverflows() {
    return requestOverflows.sum() + pendingOverflows.sum() + connectionOverflows.sum();
  }

  /** {@code upstream_rq_retry_overflow}. */
  public long retryOverflows() {
    return retryOverflows.sum();
  }
}
