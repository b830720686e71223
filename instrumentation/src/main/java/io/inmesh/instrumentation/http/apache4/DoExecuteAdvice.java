package io.inmesh.instrumentation.http.apache4;

import io.inmesh.api.Decision;
import io.inmesh.api.Mesh;
import io.inmesh.api.MeshRequest;
import io.inmesh.api.PendingTls;
import io.inmesh.api.RequestMutation;
import io.inmesh.api.ResponseHeaderChanges;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpRequestBase;

/**
 * Inlined into {@code InternalHttpClient.doExecute(HttpHost, HttpRequest, HttpContext)}.
 * References only the bootstrap API, HttpClient 4 and the JDK; no lambdas.
 */
public final class DoExecuteAdvice {

  private DoExecuteAdvice() {}

  /** Returns a refusal to skip the original method; exit then throws it as the call's failure. */
  @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
  public static Decision enter(@Advice.Argument(value = 0, readOnly = false) HttpHost target,
      @Advice.Argument(1) HttpRequest request,
      @Advice.Local("inmeshRouted") Decision routed) {
    if (target == null || request == null || target.getAddress() != null || !Mesh.active()) {
      return null;
    }
    String scheme = target.getSchemeName();
    int port = MeshRequest.portOrDefault(target.getPort(), scheme);
    // the request line's target: a path, or an absolute URI (HttpGet("http://..."))
    URI uri = request instanceof HttpRequestBase ? ((HttpRequestBase) request).getURI()
        : URI.create(request.getRequestLine().getUri());
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    Map<String, List<String>> headers = new HashMap<String, List<String>>();
    for (Header header : request.getAllHeaders()) {
      String name = header.getName().toLowerCase(Locale.ROOT);
      List<String> values = headers.get(name);
      if (values == null) {
        values = new ArrayList<String>(1);
        headers.put(name, values);
      }
      values.add(header.getValue());
    }
    Decision decision = Mesh.outbound(new MeshRequest(MeshRequest.HTTP, scheme,
        target.getHostName(), port, pathAndQuery, request.getRequestLine().getMethod(), headers,
        MeshRequest.REPORTS_OUTCOME | MeshRequest.OPENS_MESH_TLS));
    if (decision == null || decision.passThrough()) {
      return null;
    }
    InetSocketAddress endpoint = decision.endpointIp();
    RequestMutation mutation = decision.mutation();
    boolean rewritesPath = decision.isLocalReply()
        || (mutation != null && mutation.pathAndQuery() != null);
    if (decision.rejected() || (rewritesPath && !(request instanceof HttpRequestBase))) {
      // no reply server, or a request whose line cannot be changed: the call fails with the reason
      return decision;
    }
    if (!uri.isAbsolute() && !request.containsHeader("Host")) {
      // an absolute URI names the Host header; a path alone would take it from the new target
      request.setHeader("Host", port == MeshRequest.portOrDefault(-1, scheme)
          ? target.getHostName() : target.getHostName() + ":" + port);
    }
    if (decision.isLocalReply()) {
      // plain HTTP to the loopback reply server, which answers as Envoy would
      ((HttpRequestBase) request).setURI(
          URI.create("http://" + decision.endpointAuthority() + decision.replyPath()));
      target = new HttpHost(endpoint.getAddress(), endpoint.getAddress().getHostAddress(),
          endpoint.getPort(), "http");
      return null;
    }
    if (mutation != null) {
      if (mutation.pathAndQuery() != null) {
        ((HttpRequestBase) request).setURI(URI.create(uri.isAbsolute()
            ? uri.getScheme() + "://" + uri.getRawAuthority() + mutation.pathAndQuery()
            : mutation.pathAndQuery()));
      }
      for (Header header : request.getAllHeaders()) {
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
    target = new HttpHost(endpoint.getAddress(), target.getHostName(), endpoint.getPort(), scheme);
    routed = decision;
    if (decision.tls() != null) {
      // the connection this call binds gets the mesh's TLS (BindTlsAdvice)
      PendingTls.set(decision.tls());
    }
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
      if (routed.tls() != null) {
        PendingTls.clear();
      }
      if (response != null && routed.responseRewrite() != null) {
        Map<String, List<String>> received = ResponseHeaderChanges.newHeaderMap();
        for (Header header : response.getAllHeaders()) {
          ResponseHeaderChanges.put(received, header.getName(), header.getValue());
        }
        for (Map.Entry<String, List<String>> e
            : ResponseHeaderChanges.of(routed, received).entrySet()) {
          response.removeHeaders(e.getKey());
          for (String value : e.getValue()) {
            response.addHeader(e.getKey(), value);
          }
        }
      }
      // the status line is in when doExecute returns; the body streams afterwards
      routed.complete(null, response == null || response.getStatusLine() == null ? 0
          : response.getStatusLine().getStatusCode(), thrown);
    }
  }
}
