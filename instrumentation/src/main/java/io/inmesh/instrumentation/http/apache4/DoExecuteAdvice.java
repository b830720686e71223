package io.inmesh.instrumentation.http.apache4;

import io.inmesh.api.CallAttempts;
import io.inmesh.api.Decision;
import io.inmesh.api.Mesh;
import io.inmesh.api.MeshRequest;
import io.inmesh.api.PendingTls;
import io.inmesh.api.RequestMutation;
import io.inmesh.api.ResponseHeaderChanges;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpRequestBase;

/**
 * Inlined into {@code InternalHttpClient.doExecute(HttpHost, HttpRequest, HttpContext)}. When the
 * route has timeouts or retries ({@link CallAttempts}) the method is repeated once per attempt,
 * each time aimed at the attempt's target ({@link MeshAttempts}). References only the bootstrap
 * API, HttpClient 4, the JDK and {@link MeshAttempts} (defined in HttpClient 4's loader); no
 * lambdas.
 */
public final class DoExecuteAdvice {

  private DoExecuteAdvice() {}

  /** Returns a refusal to skip the original method; exit then throws it as the call's failure. */
  @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
  public static Decision enter(@Advice.This Object client,
      @Advice.Argument(value = 0, readOnly = false) HttpHost target,
      @Advice.Argument(1) HttpRequest request,
      @Advice.Local("inmeshRouted") Decision routed,
      @Advice.Local("inmeshFirst") Decision first,
      @Advice.Local("inmeshAttempts") CallAttempts attempts,
      @Advice.Local("inmeshConfig") RequestConfig config,
      @Advice.Local("inmeshLimited") boolean limited) {
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
    Decision decision = Mesh.outbound(new MeshRequest(MeshRequest.HTTP, scheme,
        target.getHostName(), port, pathAndQuery, request.getRequestLine().getMethod(),
        MeshAttempts.headersOf(request.getAllHeaders()),
        MeshRequest.REPORTS_OUTCOME | MeshRequest.OPENS_MESH_TLS
            | MeshRequest.MAY_WAIT));
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
    first = decision;
    attempts = Mesh.attempts(decision);
    if (attempts != null) {
      config = MeshAttempts.configOf(request);
      limited = MeshAttempts.limit(attempts, request, config, client);
    }
    if (decision.tls() != null) {
      // the connection this call binds gets the mesh's TLS (BindTlsAdvice)
      PendingTls.set(decision.tls());
    }
    return null;
  }

  /** Returns true to send the method again: the next attempt, aimed at {@code target}. */
  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class,
      repeatOn = Advice.OnNonDefaultValue.class)
  public static boolean exit(@Advice.Enter Decision refusal, @Advice.This Object client,
      @Advice.Argument(value = 0, readOnly = false) HttpHost target,
      @Advice.Argument(1) HttpRequest request,
      @Advice.Local("inmeshRouted") Decision routed,
      @Advice.Local("inmeshFirst") Decision first,
      @Advice.Local("inmeshAttempts") CallAttempts attempts,
      @Advice.Local("inmeshConfig") RequestConfig config,
      @Advice.Local("inmeshLimited") boolean limited,
      @Advice.Return(readOnly = false) CloseableHttpResponse response,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (refusal != null) {
      thrown = new ConnectException(refusal.rejectMessage());
      refusal.complete(null, 0, thrown);
      return false;
    }
    if (routed == null) {
      return false;
    }
    if (routed.tls() != null) {
      PendingTls.clear();
    }
    if (attempts != null) {
      Decision next = MeshAttempts.next(attempts, routed, request, response, thrown);
      if (next != null && next.rejected()) {
        // no reply server to answer the route timeout: the call fails with the reason
        response = null;
        thrown = new ConnectException(next.rejectMessage());
      } else if (next != null) {
        target = MeshAttempts.target(next, target);
        routed = next;
        limited = MeshAttempts.limit(attempts, request, config, client) || limited;
        if (next.tls() != null) {
          PendingTls.set(next.tls());
        }
        return true;
      }
      if (limited) {
        MeshAttempts.restore(request, config);
      }
    } else {
      // the status line is in when doExecute returns; the body streams afterwards
      routed.complete(null, response == null || response.getStatusLine() == null ? 0
          : response.getStatusLine().getStatusCode(), thrown);
    }
    if (response != null && first.responseRewrite() != null) {
      Map<String, List<String>> received = ResponseHeaderChanges.newHeaderMap();
      for (Header header : response.getAllHeaders()) {
        ResponseHeaderChanges.put(received, header.getName(), header.getValue());
      }
      for (Map.Entry<String, List<String>> e
          : ResponseHeaderChanges.of(first, received).entrySet()) {
        response.removeHeaders(e.getKey());
        for (String value : e.getValue()) {
          response.addHeader(e.getKey(), value);
        }
      }
    }
    return false;
  }
}
