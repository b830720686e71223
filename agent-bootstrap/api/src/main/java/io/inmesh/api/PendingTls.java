package io.inmesh.api;

/**
 * Hands a routed call's {@link MeshTls} from the advice that knows the call to the advice where
 * the client creates its TLS engine, on the same thread and within one connection set-up (the JDK
 * HttpClient's {@code HttpConnection.getConnection}).
 */
public final class PendingTls {

  private static final ThreadLocal<MeshTls> PENDING = new ThreadLocal<MeshTls>();

  private PendingTls() {}

  public static void set(MeshTls tls) {
    PENDING.set(tls);
  }

  /** The TLS of the connection being set up on this thread, or null. */
  public static MeshTls current() {
    return PENDING.get();
  }

  public static void clear() {
    PENDING.remove();
  }
}
