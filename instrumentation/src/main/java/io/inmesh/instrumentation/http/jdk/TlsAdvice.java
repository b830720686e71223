package io.inmesh.instrumentation.http.jdk;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.api.MeshTls;
import io.inmesh.api.PendingTls;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import net.bytebuddy.asm.Advice;

/**
 * Makes the JDK HttpClient open the mesh's TLS to the endpoint for a call the application wrote
 * as {@code http://} when the cluster requires TLS ({@link Decision#tls()}). The client chooses
 * a plain or TLS connection, and its pool, by {@code HttpRequestImpl.secure()}; it builds the TLS
 * engine in {@code AbstractAsyncSSLConnection.createEngine} from its own context. So: the request
 * says it is secure, {@code HttpConnection.getConnection} hands the call's TLS to the engine
 * factory on the same thread, and the engine is made from the mesh's context with the mesh's
 * parameters. The URI stays {@code http://}: request line, {@code Host} and cookies are the
 * application's. TLS connections are pooled apart from plain ones, keyed by the endpoint's IP.
 * References only the bootstrap API and the JDK.
 */
public final class TlsAdvice {

  private TlsAdvice() {}

  /** {@code HttpRequestImpl.secure()}: true for a routed call the mesh wraps in TLS. */
  public static final class Secure {

    private Secure() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object self,
        @Advice.Return(readOnly = false) boolean secure) {
      if (!secure && self instanceof DecisionCarrier) {
        Decision decision = ((DecisionCarrier) self).inmeshDecision();
        if (decision != null && decision.tls() != null) {
          secure = true;
        }
      }
    }
  }

  /**
   * {@code static HttpConnection.getConnection(InetSocketAddress, HttpClientImpl, HttpRequestImpl,
   * Version)}: where every new or pooled connection of a request is obtained.
   */
  public static final class GetConnection {

    private GetConnection() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(2) Object request) {
      MeshTls tls = null;
      if (request instanceof DecisionCarrier) {
        Decision decision = ((DecisionCarrier) request).inmeshDecision();
        tls = decision == null ? null : decision.tls();
      }
      if (tls == null) {
        PendingTls.clear();
      } else {
        PendingTls.set(tls);
      }
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit() {
      PendingTls.clear();
    }
  }

  /**
   * {@code static AbstractAsyncSSLConnection.createEngine(SSLContext, String, int,
   * SSLParameters)}: the mesh's context and parameters for the call's connection.
   */
  public static final class CreateEngine {

    private CreateEngine() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(value = 0, readOnly = false) SSLContext context,
        @Advice.Argument(3) SSLParameters parameters) {
      MeshTls tls = PendingTls.current();
      if (tls != null) {
        context = tls.context();
        tls.configure(parameters);
      }
    }
  }
}
