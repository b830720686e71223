package io.inmesh.instrumentation.http.okhttp;

import io.inmesh.api.Decision;
import io.inmesh.api.Mesh;
import io.inmesh.api.MeshRequest;
import io.inmesh.api.RequestMutation;
import java.net.Proxy;
import javax.net.SocketFactory;
import net.bytebuddy.asm.Advice;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Inlined into {@code OkHttpClient.newCall(Request)}. Decides the call once; a routed call is
 * created instead by a copy of the client made for the endpoint (see
 * {@link OkHttpInstrumentation}), whose own {@code newCall} this advice leaves alone. A local reply
 * is the same request sent as plain HTTP to the agent's reply server. References only the
 * bootstrap API, OkHttp, the JDK and the helper classes defined in OkHttp's loader; no lambdas.
 */
public final class NewCallAdvice {

  private NewCallAdvice() {}

  /** Returns the endpoint's client copy to skip the original body, or null to run it. */
  @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
  public static OkHttpClient enter(@Advice.This OkHttpClient client,
      @Advice.Argument(value = 0, readOnly = false) Request request) {
    if (request == null || !Mesh.active() || client.dns() instanceof MeshDns) {
      return null;
    }
    Proxy proxy = client.proxy();
    if ((proxy != null && proxy.type() != Proxy.Type.DIRECT)
        || client.socketFactory() != SocketFactory.getDefault()) {
      // through a proxy, or with the application's own sockets: left as the application wrote it
      return null;
    }
    HttpUrl url = request.url();
    String path = url.encodedPath();
    String query = url.encodedQuery();
    Decision decision = Mesh.outbound(new MeshRequest(MeshRequest.HTTP, url.scheme(), url.host(),
        url.port(), query == null ? path : path + "?" + query, request.method(),
        request.headers().toMultimap(),
        MeshRequest.REPORTS_OUTCOME | MeshRequest.OPENS_MESH_TLS));
    if (decision == null || decision.passThrough()) {
      return null;
    }
    if (decision.rejected()) {
      return client.newBuilder()
          .dns(new MeshDns(url.host(), null, 0, client.dns(), decision.rejectMessage()))
          .build();
    }
    if (decision.isLocalReply()) {
      // plain HTTP to the loopback reply server, which answers as Envoy would
      request = request.newBuilder()
          .url("http://" + decision.endpointAuthority() + decision.replyPath()).build();
      return null;
    }
    RequestMutation mutation = decision.mutation();
    if (mutation != null) {
      Request.Builder changed = request.newBuilder();
      if (mutation.pathAndQuery() != null) {
        HttpUrl rewritten = url.resolve(mutation.pathAndQuery());
        if (rewritten != null) {
          changed.url(rewritten);
        }
      }
      for (String name : request.headers().names()) {
        if (mutation.replaces(name)) {
          changed.removeHeader(name);
        }
      }
      if (mutation.authority() != null) {
        // OkHttp writes an explicit Host header as is (and as :authority over HTTP/2)
        changed.header("Host", mutation.authority());
      }
      for (int i = 0; i < mutation.setCount(); i++) {
        changed.header(mutation.setName(i), mutation.setValue(i));
      }
      for (int i = 0; i < mutation.appendCount(); i++) {
        changed.addHeader(mutation.appendName(i), mutation.appendValue(i));
      }
      request = changed.build();
    }
    return client.newBuilder()
        .dns(new MeshDns(url.host(), decision.endpointIp().getAddress(),
            decision.endpointIp().getPort(), client.dns(), null))
        .socketFactory(new EndpointSocketFactory(decision.endpointIp(), url.port(),
            decision.tls()))
        .addInterceptor(new MeshOutcome(decision, client, url.host(), url.port()))
        .build();
  }

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.Enter OkHttpClient routed, @Advice.Argument(0) Request request,
      @Advice.Return(readOnly = false) Call call) {
    if (routed != null) {
      call = routed.newCall(request);
    }
  }
}
