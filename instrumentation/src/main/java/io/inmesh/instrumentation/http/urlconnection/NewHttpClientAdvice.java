package io.inmesh.instrumentation.http.urlconnection;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.api.Mesh;
import io.inmesh.api.MeshRequest;
import io.inmesh.api.PendingTls;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.net.www.http.HttpClient.New(URL, Proxy, int, boolean,
 * HttpURLConnection)}. References only the bootstrap API and the JDK.
 */
public final class NewHttpClientAdvice {

  private NewHttpClientAdvice() {}

  /** Returns a refusal to skip the original method; exit then throws it as the call's failure. */
  @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
  public static Decision enter(@Advice.Argument(value = 0, readOnly = false) URL url,
      @Advice.Argument(1) Proxy proxy, @Advice.Argument(4) HttpURLConnection connection)
      throws java.net.MalformedURLException {
    if (connection == null || !Mesh.active() || !"http".equals(url.getProtocol())
        || (proxy != null && proxy.type() != Proxy.Type.DIRECT)) {
      return null;
    }
    String file = url.getFile();
    String sentFile = file;
    Decision decision = Mesh.outbound(new MeshRequest(MeshRequest.HTTP, "http", url.getHost(),
        MeshRequest.portOrDefault(url.getPort(), "http"), file.isEmpty() ? "/" : file,
        connection.getRequestMethod(), connection.getRequestProperties(),
        MeshRequest.REPORTS_OUTCOME | MeshRequest.OPENS_MESH_TLS
            | MeshRequest.MAY_WAIT));
    if (decision == null) {
      return null;
    }
    if (connection instanceof DecisionCarrier) {
      ((DecisionCarrier) connection).inmeshDecision(decision);
    }
    if (decision.rejected()) {
      return decision;
    }
    // A local reply goes to the agent's reply server under its own path; a routed call keeps the
    // application's path (the connection's own URL writes the request line's path and Host).
    if (decision.mutation() != null && decision.mutation().pathAndQuery() != null) {
      sentFile = decision.mutation().pathAndQuery();
    }
    url = new URL("http", decision.endpointIp().getAddress().getHostAddress(),
        decision.endpointIp().getPort(), decision.isLocalReply() ? decision.replyPath() : sentFile);
    if (decision.tls() != null) {
      // the socket this lookup opens gets the mesh's TLS (MeshTlsAdvice)
      PendingTls.set(decision.tls());
    }
    return null;
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.Enter Decision refusal,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    PendingTls.clear();
    if (refusal != null) {
      thrown = new ConnectException(refusal.rejectMessage());
      refusal.complete(null, 0, thrown);
    }
  }
}
