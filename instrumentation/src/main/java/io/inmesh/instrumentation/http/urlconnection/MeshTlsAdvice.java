package io.inmesh.instrumentation.http.urlconnection;

import io.inmesh.api.MeshTls;
import io.inmesh.api.PendingTls;
import java.net.Socket;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.net.NetworkClient.doConnect(String, int)}, where the plain
 * {@code sun.net.www.http.HttpClient} opens its socket. While {@link NewHttpClientAdvice} sets up
 * a connection to a cluster that requires TLS ({@link PendingTls} holds the mesh's TLS on this
 * thread), the connected socket is layered with the mesh's TLS and handshaken before the client
 * writes anything, so the {@code http:} call travels encrypted. An application's own
 * {@code https:} ({@code HttpsClient}) is left to its own TLS. References only the bootstrap API
 * and the JDK.
 */
public final class MeshTlsAdvice {

  private MeshTlsAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.This Object client,
      @Advice.Return(readOnly = false) Socket socket,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    MeshTls tls = PendingTls.current();
    if (tls == null || socket == null || thrown != null
        || client.getClass().getName().equals(HttpsUrlConnectionInstrumentation.HTTPS_CLIENT)) {
      return;
    }
    try {
      socket = tls.secure(socket);
    } catch (Throwable e) {
      // never plaintext: the connection fails with the handshake's reason (the socket is closed)
      socket = null;
      thrown = e;
    }
  }
}
