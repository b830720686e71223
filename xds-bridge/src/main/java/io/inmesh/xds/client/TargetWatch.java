package io.inmesh.xds.client;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One watched target. Read by application threads without allocation; settled by the client's
 * executor.
 */
final class TargetWatch {

  final String target;
  /** For least-recently-requested eviction; a plain volatile write per call. */
  volatile long lastUsedNanos;
  /** Null while nothing definite is known. */
  private final AtomicReference<TargetState> state = new AtomicReference<>();
  private final CountDownLatch firstAnswer = new CountDownLatch(1);

  TargetWatch(String target, long nowNanos) {
    this.target = target;
    this.lastUsedNanos = nowNanos;
  }

  TargetState state() {
    return state.get();
  }

  /** Called on the executor when the graph gives a definite answer. */
  void settle(TargetState value) {
    state.set(value);
    firstAnswer.countDown();
  }

  /** Waits for the first answer; on timeout it becomes TIMED_OUT unless an answer won the race. */
  TargetState await(long timeoutNanos) {
    boolean answered;
    try {
      answered = firstAnswer.await(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answered = false;
    }
    if (!answered) {
      state.compareAndSet(null, TargetState.TIMED_OUT);
    }
    TargetState s = state.get();
    return s == null ? TargetState.TIMED_OUT : s;
  }
}
