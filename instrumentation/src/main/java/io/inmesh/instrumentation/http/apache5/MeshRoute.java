package io.inmesh.instrumentation.http.apache5;

import io.inmesh.api.Decision;
import io.inmesh.api.Mesh;
import io.inmesh.api.MeshRequest;
import io.inmesh.api.RequestMutation;
import io.inmesh.api.ResponseHeaderChanges;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpMessage;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.net.URIAuthority;

/**
 * One HttpClient 5 request routed by the mesh, for the classic and the async client alike: the
 * decision, the request changed as the route says, and the target the client must use instead of
 * the application's. The target carries the endpoint's address with the application's host name:
 * the connection operator dials the address (no DNS), the pool keys routes by it, and TLS uses the
 * name.
 *
 * <p>Defined in HttpClient 5's class loader (see {@code HelperClasses}): it may reference only
 * HttpClient 5, the JDK and the bootstrap API.
 */
public final class MeshRoute {

  private final Decision decision;
  private final HttpHost target;

  private MeshRoute(Decision decision, HttpHost target) {
    this.decision = decision;
    this.target = target;
  }

  /**
   * Routes the request, or returns null when the mesh leaves it alone.
   *
   * @param target the application's target, or null when the request names its own authority
   * @param opensMeshTls true when the caller opens the mesh's TLS ({@link
   *     MeshRequest#OPENS_MESH_TLS})
   * @param reportsOutcome true when the caller will complete the decision (see
   *     {@link MeshRequest})
   * @param mayWait true when the call blocks its caller ({@link MeshRequest#MAY_WAIT})
   */
  public static MeshRoute decide(HttpHost target, HttpRequest request, boolean reportsOutcome,
      boolean opensMeshTls, boolean mayWait) {
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
    Decision decision = Mesh.outbound(new MeshRequest(MeshRequest.HTTP, scheme,
        host.getHostName(), MeshRequest.portOrDefault(host.getPort(), scheme), request.getPath(),
        request.getMethod(), headersOf(request),
        (reportsOutcome ? MeshRequest.REPORTS_OUTCOME : 0)
            | (opensMeshTls ? MeshRequest.OPENS_MESH_TLS : 0)
            | (mayWait ? MeshRequest.MAY_WAIT : 0)));
    if (decision == null || decision.passThrough()) {
      return null;
    }
    if (decision.rejected()) {
      return new MeshRoute(decision, target);
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
      return new MeshRoute(decision, new HttpHost("http", endpoint.getAddress(),
          endpoint.getAddress().getHostAddress(), endpoint.getPort()));
    }
    apply(decision.mutation(), request);
    return new MeshRoute(decision,
        new HttpHost(scheme, endpoint.getAddress(), host.getHostName(), endpoint.getPort()));
  }

  /**
   * The route of the next attempt of a call whose route drives its attempts ({@code
   * Mesh.attempts}): another endpoint with the application's host name, or the reply server for
   * a local reply (Envoy's 504 {@code UT}); the request gets the attempt's header changes (its
   * trace context). A refused decision keeps the previous target: the caller fails the call.
   */
  public static MeshRoute forAttempt(Decision next, HttpHost previous, HttpRequest request) {
    if (next.rejected()) {
      return new MeshRoute(next, previous);
    }
    InetSocketAddress endpoint = next.endpointIp();
    if (next.isLocalReply()) {
      request.setScheme("http");
      request.setPath(next.replyPath());
      return new MeshRoute(next, new HttpHost("http", endpoint.getAddress(),
          endpoint.getAddress().getHostAddress(), endpoint.getPort()));
    }
    apply(next.mutation(), request);
    return new MeshRoute(next, new HttpHost(previous.getSchemeName(), endpoint.getAddress(),
        previous.getHostName(), endpoint.getPort()));
  }

  /** A message's headers by lower-case name. */
  public static Map<String, List<String>> headersOf(HttpMessage message) {
    Map<String, List<String>> headers = new HashMap<String, List<String>>();
    for (Header header : message.getHeaders()) {
      String name = header.getName().toLowerCase(Locale.ROOT);
      List<String> values = headers.get(name);
      if (values == null) {
        values = new ArrayList<String>(1);
        headers.put(name, values);
      }
      values.add(header.getValue());
    }
    return headers;
  }

  private static void apply(RequestMutation mutation, HttpRequest request) {
    if (mutation == null) {
      return;
    }
    if (mutation.pathAndQuery() != null) {
      request.setPath(mutation.pathAndQuery());
    }
    for (Header header : request.getHeaders()) {
      if (mutation.replaces(header.getName())) {
        request.removeHeaders(header.getName());
      }
    }
    if (mutation.authority() != null) {
      // the request's authority, not a Host header: HttpClient writes it as Host over HTTP/1.1
      // and as :authority over HTTP/2, where a Host header is refused
      request.setAuthority(authority(mutation.authority()));
    }
    for (int i = 0; i < mutation.setCount(); i++) {
      request.setHeader(mutation.setName(i), mutation.setValue(i));
    }
    for (int i = 0; i < mutation.appendCount(); i++) {
      request.addHeader(mutation.appendName(i), mutation.appendValue(i));
    }
  }

  /** Applies the route's response header changes to the response the client received. */
  public static void rewriteResponse(Decision decision, HttpMessage response) {
    if (response == null || decision.responseRewrite() == null) {
      return;
    }
    Map<String, List<String>> received = ResponseHeaderChanges.newHeaderMap();
    for (Header header : response.getHeaders()) {
      ResponseHeaderChanges.put(received, header.getName(), header.getValue());
    }
    for (Map.Entry<String, List<String>> e
        : ResponseHeaderChanges.of(decision, received).entrySet()) {
      response.removeHeaders(e.getKey());
      for (String value : e.getValue()) {
        response.addHeader(e.getKey(), value);
      }
    }
  }

  /** {@code host[:port]} (IPv6 in brackets) as a URI authority. */
  private static URIAuthority authority(String hostAndPort) {
    int colon = hostAndPort.lastIndexOf(':');
    if (colon > 0 && colon > hostAndPort.lastIndexOf(']')) {
      try {
        return new URIAuthority(hostAndPort.substring(0, colon),
            Integer.parseInt(hostAndPort.substring(colon + 1)));
      } catch (NumberFormatException notAPort) {
        return new URIAuthority(hostAndPort);
      }
    }
    return new URIAuthority(hostAndPort);
  }

  public Decision decision() {
    return decision;
  }

  /** The target the client must use. */
  public HttpHost target() {
    return target;
  }

  /** True when the call is sent to an endpoint (not refused, not answered locally). */
  public boolean routed() {
    return !decision.isLocalReply();
  }
}
