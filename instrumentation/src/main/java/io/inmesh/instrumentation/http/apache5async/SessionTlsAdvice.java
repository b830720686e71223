package io.inmesh.instrumentation.http.apache5async;

import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.reactor.IOSession;

/**
 * Inlined into the callback with which {@code DefaultAsyncClientConnectionOperator} receives a
 * new connection's session ({@code completed(IOSession)}): a session to an endpoint whose cluster
 * requires TLS gets the mesh's TLS ({@link MeshTlsEndpoints}) before the connection is built on
 * it and handed to the client. References only HttpClient 5 and {@link MeshTlsEndpoints}.
 */
public final class SessionTlsAdvice {

  private SessionTlsAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.Argument(0) IOSession session) {
    if (session != null) {
      MeshTlsEndpoints.startTls(session, session.getRemoteAddress(), session.getSocketTimeout());
    }
  }
}
