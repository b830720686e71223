package io.inmesh.instrumentation.http.apache5;

import io.inmesh.api.Decision;
import io.inmesh.api.Mesh;
import io.inmesh.api.MeshRequest;
import io.inmesh.api.RequestMutation;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.net.URIAuthority;

/**
 * Inlined into {@code InternalHttpClient.doExecute(HttpHost, ClassicHttpRequest, HttpContext)}.
 * References only the bootstrap API, HttpClient 5 and the JDK; no lambdas.
 */
public final class DoExecuteAdvice {

  private DoExecuteAdvice() {}

  /** Returns a refusal to skip the original method; exit then throws it as the call's failure. */
  @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
  public static Decision enter(@Advice.Argument(value = 0, readOnly = false) HttpHost target,
      @Advice.Argument(1) ClassicHttpRequest request,
      @Advice.Local("inmeshRouted") Decision routed) {
    if (request == null || !Mesh.active()) {
      return null;
    }
    HttpHost host = target;
    if (host == null) {
      URIAuthority authority = request.getAuthority();
      if (authority == null) {
        return null;
      }
      host = new HttpHost(request.getScheme() == null ? "http" : request.getScheme(),
          authority.getHostName(), authority.getPort());
    }
    if (host.getAddress() != null) {
      // the application (or this advice, on a client that calls itself) named an address
      return null;
    }
    String scheme = host.getSchemeName();
    int port = MeshRequest.portOrDefault(host.getPort(), scheme);
    Map<String, List<String>> headers = new HashMap<String, List<String>>();
    for (Header header : request.getHeaders()) {
      String name = header.getName().toLowerCase(Locale.ROOT);
      List<String> values = headers.get(name);
      if (values == null) {
        values = new ArrayList<String>(1);
        headers.put(name, values);
      }
      values.add(header.getValue());
    }
    Decision decision = Mesh.outbound(new MeshRequest(MeshRequest.HTTP, scheme,
        host.getHostName(), port, request.getPath(), request.getMethod(), headers, true));
    if (decision == null || decision.passThrough()) {
      return null;
    }
    if (decision.rejected()) {
      return decision;
    }
    if (request.getAuthority() == null) {
      // the Host header stays the application's whatever the target
      request.setAuthority(new URIAuthority(host.getHostName(), host.getPort()));
    }
    InetSocketAddress endpoint = decision.endpointIp();
    if (decision.isLocalReply()) {
      // plain HTTP to the loopback reply server, which answers as Envoy would
      request.setScheme("http");
      request.setPath(decision.replyPath());
      target = new HttpHost("http", endpoint.getAddress(),
          endpoint.getAddress().getHostAddress(), endpoint.getPort());
      return null;
    }
    RequestMutation mutation = decision.mutation();
    if (mutation != null) {
      if (mutation.pathAndQuery() != null) {
        request.setPath(mutation.pathAndQuery());
      }
      for (Header header : request.getHeaders()) {
        if (mutation.replaces(header.getName())) {
          request.removeHeaders(header.getName());
        }
      }
      if (mutation.authority() != null) {
        request.setHeader("Host", mutation.authority());
      }
      for (int i = 0; i < mutation.setCount(); i++) {
        request.setHeader(mutation.setName(i), mutation.setValue(i));
      }
      for (int i = 0; i < mutation.appendCount(); i++) {
        request.addHeader(mutation.appendName(i), mutation.appendValue(i));
      }
    }
    target = new HttpHost(scheme, endpoint.getAddress(), host.getHostName(), endpoint.getPort());
    routed = decision;
    return null;
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.Enter Decision refusal,
      @Advice.Local("inmeshRouted") Decision routed,
      @Advice.Return CloseableHttpResponse response,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (refusal != null) {
      thrown = new ConnectException(refusal.rejectMessage());
      refusal.complete(null, 0, thrown);
    }
    if (routed != null) {
      // the status line is in when doExecute returns; the body streams afterwards
      routed.complete(null, response == null ? 0 : response.getCode(), thrown);
    }
  }
}
