package io.inmesh.api;

/**
 * Hands a decision taken where a client accepts a call to the request object the client builds
 * from it on the same thread (e.g. the JDK HttpClient's {@code sendAsync} and the internal request
 * it creates), so that one call gets one decision.
 */
public final class PendingDecision {

  private static final ThreadLocal<Decision> PENDING = new ThreadLocal<Decision>();

  private PendingDecision() {}

  public static void set(Decision decision) {
    PENDING.set(decision);
  }

  /** The pending decision, removed; null when none. */
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
