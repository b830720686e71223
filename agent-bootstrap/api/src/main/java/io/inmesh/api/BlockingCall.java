package io.inmesh.api;

/**
 * Marks the thread of a client's blocking call (the JDK HttpClient's {@code send}, which runs its
 * {@code sendAsync} on the caller's thread and then waits), so the advice deciding the call can
 * declare {@link MeshRequest#MAY_WAIT}.
 */
public final class BlockingCall {

  private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<Boolean>();

  private BlockingCall() {}

  public static void enter() {
    ACTIVE.set(Boolean.TRUE);
  }

  public static void exit() {
    ACTIVE.remove();
  }

  /** True on the thread of a blocking call, between {@link #enter} and {@link #exit}. */
  public static boolean active() {
    return ACTIVE.get() != null;
  }
}
