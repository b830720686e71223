package io.inmesh.instrumentation.http;

import io.inmesh.api.MeshTls;
import io.inmesh.api.PendingTls;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into Apache HttpClient 4's and 5's {@code DefaultManagedHttpClientConnection.bind(Socket)}:
 * while the call being executed on this thread goes to a cluster that requires TLS
 * ({@link PendingTls}, set by the client's {@code DoExecuteAdvice}), the plain socket the
 * connection operator has just connected is layered with the mesh's TLS and handshaken before the
 * connection uses it. Its pool entry is the endpoint's route, so the secured connection is reused
 * only for that endpoint. References only the bootstrap API and the JDK, so both libraries share
 * it.
 */
public final class BindTlsAdvice {

  private BindTlsAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.Argument(value = 0, readOnly = false) Socket socket) {
    MeshTls tls = PendingTls.current();
    // the operator binds the socket once before connecting it: only the connected one is secured
    if (tls == null || socket == null || !socket.isConnected() || socket instanceof SSLSocket) {
      return;
    }
    try {
      socket = tls.secure(socket);
    } catch (java.io.IOException e) {
      // never plaintext: the closed socket fails the connection
    }
  }
}
