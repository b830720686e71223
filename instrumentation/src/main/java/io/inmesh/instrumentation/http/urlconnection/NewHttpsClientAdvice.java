package io.inmesh.instrumentation.http.urlconnection;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.api.Mesh;
import io.inmesh.api.MeshRequest;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code HttpsClient.New(SSLSocketFactory, URL, HostnameVerifier, Proxy, boolean,
 * int, HttpURLConnection)}. References only the bootstrap API and the JDK.
 */
public final class NewHttpsClientAdvice {

  private NewHttpsClientAdvice() {}

  /** Returns a refusal to skip the original method; exit then throws it as the call's failure. */
  @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
  public static Decision enter(@Advice.Argument(value = 1, readOnly = false) URL url,
      @Advice.Argument(3) Proxy proxy, @Advice.Argument(6) HttpURLConnection connection)
      throws java.net.MalformedURLException {
    if (connection == null || !Mesh.active() || !"https".equals(url.getProtocol())
        || (proxy != null && proxy.type() != Proxy.Type.DIRECT)) {
      return null;
    }
    String file = url.getFile();
    String sentFile = file;
    Decision decision = Mesh.outbound(new MeshRequest(MeshRequest.HTTP, "https", url.getHost(),
        MeshRequest.portOrDefault(url.getPort(), "https"), file.isEmpty() ? "/" : file,
        connection.getRequestMethod(), connection.getRequestProperties(), true));
    if (decision == null) {
      return null;
    }
    if (connection instanceof DecisionCarrier) {
      ((DecisionCarrier) connection).inmeshDecision(decision);
    }
    if (decision.isLocalReply()) {
      // The reply server speaks plain HTTP only: a TLS call fails with the reason instead.
      return decision;
    }
    if (decision.mutation() != null && decision.mutation().pathAndQuery() != null) {
      sentFile = decision.mutation().pathAndQuery();
    }
    String ip = decision.endpointIp().getAddress().getHostAddress();
    url = new URL("https://inmesh-route:" + url.getHost() + "@"
        + (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + decision.endpointIp().getPort()
        + sentFile);
    return null;
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.Enter Decision refusal,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (refusal != null) {
      thrown = new ConnectException(refusal.rejectMessage());
      refusal.complete(null, 0, thrown);
    }
  }
}
