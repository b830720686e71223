package io.inmesh.policies.route;

import io.inmesh.policies.RequestView;
import java.time.Duration;
import java.util.List;

/** What a matched route does: {@code route}, {@code redirect} or {@code direct_response}. */
public sealed interface RouteAction {

  /** Envoy's default route timeout when {@code timeout} is unset. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  /**
   * {@code route}: forward upstream.
   *
   * @param clusters the cluster specifier
   * @param pathRewrite {@code prefix_rewrite} or {@code regex_rewrite}, or null
   * @param hostRewrite {@code host_rewrite_*} or {@code auto_host_rewrite}, or null
   * @param hashPolicies {@code hash_policy}, in order
   * @param mirrors {@code request_mirror_policies} (the route's, else the virtual host's, else the
   *     route configuration's: Envoy does not merge them)
   * @param timeout {@code timeout}: {@link #DEFAULT_TIMEOUT} when unset, {@link Duration#ZERO} for
   *     none (istiod sends 0s to proxyless clients unless a VirtualService sets a timeout)
   * @param maxStreamDuration {@code max_stream_duration.max_stream_duration}, ZERO when unset or 0
   *     (istiod mirrors the VirtualService timeout here for proxyless clients)
   * @param clusterNotFoundStatus {@code cluster_not_found_response_code}: 503, 404 or 500
   */
  record Forward(ClusterSpecifier clusters, PathRewrite pathRewrite, HostRewrite hostRewrite,
      List<HashPolicy> hashPolicies, List<RequestMirrorPolicy> mirrors, Duration timeout,
      Duration maxStreamDuration, int clusterNotFoundStatus) implements RouteAction {

    public Forward {
      hashPolicies = List.copyOf(hashPolicies);
      mirrors = List.copyOf(mirrors);
      if (timeout == null || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be zero or positive");
      }
      if (maxStreamDuration == null || maxStreamDuration.isNegative()) {
        throw new IllegalArgumentException("max_stream_duration must be zero or positive");
      }
    }

    /** A plain route to clusters: no rewrites, hashing or mirrors, Envoy's default timeout. */
    public static Forward to(ClusterSpecifier clusters) {
      return new Forward(clusters, null, null, List.of(), List.of(), DEFAULT_TIMEOUT,
          Duration.ZERO, 503);
    }
  }

  /**
   * {@code redirect}, answered locally with a {@code Location}.
   *
   * @param scheme {@code scheme_redirect} ("https" for {@code https_redirect}), or null to keep
   * @param host {@code host_redirect}, or null to keep the request's
   * @param port {@code port_redirect}, or 0 to keep
   * @param path {@code path_redirect}, or null
   * @param pathRewrite {@code prefix_rewrite} or {@code regex_rewrite}, or null
   * @param status from {@code response_code}: 301, 302, 303, 307 or 308
   * @param stripQuery {@code strip_query}
   */
  record Redirect(String scheme, String host, int port, String path, PathRewrite pathRewrite,
      int status, boolean stripQuery) implements RouteAction {

    /**
     * The {@code Location}, built as Envoy's {@code RouteEntryImplBase::newUri}: a changed port or
     * host drops the request's port; a scheme change drops the old scheme's default port; the
     * port is omitted when it is the new scheme's default; a query in {@code path_redirect} wins
     * over the request's and is never stripped.
     */
    public String location(RequestView request, PathMatcher matcher) {
      String requestScheme = request.scheme() == null ? "http" : request.scheme();
      String finalScheme = scheme != null ? scheme : requestScheme;
      String finalPort = "";
      if (port > 0 && !isDefaultPort(finalScheme, port)) {
        finalPort = ":" + port;
      }
      String finalHost;
      if (host != null) {
        finalHost = host;
      } else {
        finalHost = request.authority();
        int colon = portStart(finalHost);
        if (colon >= 0) {
          String requestPort = finalHost.substring(colon);
          boolean removePort = port > 0;
          if (!finalScheme.equals(requestScheme)) {
            removePort |= requestScheme.equals("https") && requestPort.equals(":443");
            removePort |= requestScheme.equals("http") && requestPort.equals(":80");
          }
          if (removePort) {
            finalHost = finalHost.substring(0, colon);
          }
        }
      }
      String original = request.path();
      String finalPath;
      boolean pathHasQuery = path != null && path.indexOf('?') >= 0;
      if (path != null) {
        int q = original.indexOf('?');
        finalPath = pathHasQuery || q < 0 ? path : path + original.substring(q);
      } else if (pathRewrite != null) {
        finalPath = pathRewrite.rewrite(original, matcher);
      } else {
        finalPath = original;
      }
      if (!finalPath.startsWith("/")) {
        finalPath = "/" + finalPath;
      }
      if (!pathHasQuery && stripQuery) {
        int q = finalPath.indexOf('?');
        if (q >= 0) {
          finalPath = finalPath.substring(0, q);
        }
      }
      return finalScheme + "://" + finalHost + finalPort + finalPath;
    }

    private static boolean isDefaultPort(String scheme, int port) {
      return (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
    }

    /** The index of the ':' before the port, or -1 (IPv6 literals are bracketed). */
    static int portStart(String authority) {
      int colon = authority.lastIndexOf(':');
      if (colon < 0 || authority.indexOf(']', colon) >= 0) {
        return -1;
      }
      if (authority.indexOf(':') != colon && !authority.startsWith("[")) {
        return -1;
      }
      return colon;
    }
  }

  /**
   * {@code direct_response}: answered locally.
   *
   * @param status 200..599
   * @param body the inline body ("" when none); sent with {@code content-type: text/plain}
   */
  record DirectResponse(int status, String body) implements RouteAction {
    public DirectResponse {
      if (status < 200 || status > 599) {
        throw new IllegalArgumentException("direct_response status " + status);
      }
      body = body == null ? "" : body;
    }
  }
}
