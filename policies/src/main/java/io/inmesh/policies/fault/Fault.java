package io.inmesh.policies.fault;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The fault drawn for one request. The client first waits {@link #delayNanos()} (response flag
 * {@code DI}), then either answers {@link #httpStatus()} / {@link #grpcStatus()} locally (flag
 * {@code FI}, body {@value #ABORT_BODY}) or sends the request. The fault counts toward
 * {@code max_active_faults} until {@link #end()}, which the call guard calls when the call ends.
 */
public final class Fault {

  public static final String ABORT_BODY = "fault filter abort";

  private static final AtomicIntegerFieldUpdater<Fault> ENDED =
      AtomicIntegerFieldUpdater.newUpdater(Fault.class, "ended");

  private final long delayNanos;
  private final int httpStatus;
  private final int grpcStatus;
  private final AtomicLong active;
  private volatile int ended;

  Fault(long delayNanos, int httpStatus, int grpcStatus, AtomicLong active) {
    this.delayNanos = delayNanos;
    this.httpStatus = httpStatus;
    this.grpcStatus = grpcStatus;
    this.active = active;
  }

  /** The delay before anything else happens, 0 for none. */
  public long delayNanos() {
    return delayNanos;
  }

  public Duration delay() {
    return Duration.ofNanos(delayNanos);
  }

  /** Whether the request is aborted (after the delay). */
  public boolean aborts() {
    return httpStatus > 0 || grpcStatus >= 0;
  }

  /** The HTTP status to answer: the configured one, or 200 for a gRPC abort; 0 when no abort. */
  public int httpStatus() {
    return httpStatus > 0 ? httpStatus : grpcStatus >= 0 ? 200 : 0;
  }

  /** The {@code grpc-status} to answer, or -1 for an HTTP abort. */
  public int grpcStatus() {
    return grpcStatus;
  }

  /** {@code DI} for a delay, {@code FI} for an abort, both as Envoy logs them ("DI,FI"). */
  public String responseFlags() {
    if (delayNanos > 0 && aborts()) {
      return "DI,FI";
    }
    return aborts() ? "FI" : "DI";
  }

  /** Ends the fault (idempotent): it no longer counts toward {@code max_active_faults}. */
  public void end() {
    if (ENDED.compareAndSet(this, 0, 1)) {
      active.decrementAndGet();
    }
  }

  /** Active faults of the policy this fault came from. */
  public long activeFaults() {
    return active.get();
  }
}
