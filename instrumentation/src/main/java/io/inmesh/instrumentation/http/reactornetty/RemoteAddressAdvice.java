package io.inmesh.instrumentation.http.reactornetty;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.api.Mesh;
import io.inmesh.api.MeshRequest;
import io.inmesh.api.MeshTlsAddress;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code HttpClientConnect.HttpClientHandler.get()}. The handler's URI type is
 * package-private, so it is read as text ({@code toString()} is its external form in every
 * supported version). References only the bootstrap API, Netty and the JDK; no lambdas.
 */
public final class RemoteAddressAdvice {

  private RemoteAddressAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.This Object handler,
      @Advice.Return(readOnly = false) SocketAddress address,
      @Advice.Thrown(readOnly = false) Throwable thrown,
      @Advice.FieldValue("toURI") Object uri,
      @Advice.FieldValue("method") HttpMethod method,
      @Advice.FieldValue("defaultHeaders") HttpHeaders defaultHeaders,
      @Advice.FieldValue("proxyProvider") Object proxy) {
    if (thrown != null || proxy != null || !(address instanceof InetSocketAddress)
        || uri == null || !Mesh.active()) {
      return;
    }
    InetSocketAddress target = (InetSocketAddress) address;
    String url = uri.toString();
    int schemeEnd = url.indexOf("://");
    if (schemeEnd <= 0) {
      return;
    }
    String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    if (scheme.startsWith("ws")) {
      // websockets are not HTTP request/response calls
      return;
    }
    int pathStart = url.indexOf('/', schemeEnd + 3);
    String path = pathStart < 0 ? "/" : url.substring(pathStart);
    Map<String, List<String>> headers = new HashMap<String, List<String>>();
    if (defaultHeaders != null) {
      Iterator<Map.Entry<String, String>> it = defaultHeaders.iteratorAsString();
      while (it.hasNext()) {
        Map.Entry<String, String> header = it.next();
        String name = header.getKey().toLowerCase(Locale.ROOT);
        List<String> values = headers.get(name);
        if (values == null) {
          values = new ArrayList<String>(1);
          headers.put(name, values);
        }
        values.add(header.getValue());
      }
    }
    Decision decision = Mesh.outbound(new MeshRequest(MeshRequest.HTTP, scheme,
        target.getHostString(), MeshRequest.portOrDefault(target.getPort(), scheme), path,
        method == null ? null : method.name(), headers, MeshRequest.OPENS_MESH_TLS));
    if (decision == null || decision.passThrough()) {
      return;
    }
    if (decision.rejected() || (decision.isLocalReply() && !"http".equals(scheme))) {
      // no reply server, or TLS, which the plain-HTTP reply server cannot answer
      thrown = new ConnectException(decision.rejectMessage());
      return;
    }
    // a local reply goes to the reply server, under its own path (RequestChangesAdvice); a
    // cluster that requires TLS gets it when the channel is set up (ChannelTlsAdvice)
    address = decision.isLocalReply() ? decision.endpointIp()
        : decision.tls() != null ? new MeshTlsAddress(decision.endpoint(), decision.tls())
        : decision.endpoint();
    if (handler instanceof DecisionCarrier) {
      // a connect attempt that did not get as far as a request (Reactor Netty retries it) ends
      // here; the call's outcome is reported through the request operations (OutcomeAdvice)
      DecisionCarrier carrier = (DecisionCarrier) handler;
      Decision superseded = carrier.inmeshDecision();
      if (superseded != null) {
        superseded.complete(null, 0, new ConnectException("connect attempt superseded"));
      }
      carrier.inmeshDecision(decision);
    }
  }
}
