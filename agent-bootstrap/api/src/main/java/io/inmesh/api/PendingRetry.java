package io.inmesh.api;

/**
 * Marks the next {@code sendAsync} on this thread as an attempt the runtime sends itself (a retry,
 * or the route timeout's 504 sent to the reply server): the advice must not decide the call again
 * but use this decision, and must not wrap or report the attempt (the runtime does). Set by the
 * runtime right before it calls the client and consumed by the advice at once.
 */
public final class PendingRetry {

  private static final ThreadLocal<Decision> PENDING = new ThreadLocal<Decision>();

  private PendingRetry() {}

  public static void set(Decision decision) {
    PENDING.set(decision);
  }

  /** The pending attempt's decision, removed; null when none. */
  public static Decision take() {
    Decision d = PENDING.get();
    if (d != null) {
      PENDING.remove();
    }
    return d;
  }

  public static void clear() {
    PENDING.remove();
  }
}
