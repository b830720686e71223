package io.inmesh.it.support;

import static io.inmesh.examples.controlplane.IstiodShapes.cluster;
import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.defaultRoute;
import static io.inmesh.examples.controlplane.IstiodShapes.endpoints;
import static io.inmesh.examples.controlplane.IstiodShapes.headerRoute;
import static io.inmesh.examples.controlplane.IstiodShapes.listener;
import static io.inmesh.examples.controlplane.IstiodShapes.routeConfig;
import static io.inmesh.examples.controlplane.IstiodShapes.weight;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.inmesh.examples.controlplane.XdsResources;
import java.io.IOException;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Bookinfo's reviews service as istiod's grpc generator would describe it to a proxyless client:
 * subsets v1 (two pods) and v2 (one pod), real HTTP servers on loopback, {@code end-user: jason}
 * to v2 and the rest split by weight.
 */
public final class ReviewsMesh implements AutoCloseable {

  public static final String HOST = "reviews.default.svc.cluster.local";
  public static final int PORT = 9080;
  public static final String URL = "http://" + HOST + ":" + PORT + "/reviews/1";
  public static final String V1 = clusterName(HOST, PORT, "v1");
  public static final String V2 = clusterName(HOST, PORT, "v2");

  public final Backend v1a;
  public final Backend v1b;
  public final Backend v2;
  private final int port;
  private final String scheme;

  /** Plain HTTP on port 9080. */
  public ReviewsMesh() throws IOException {
    this(PORT, null);
  }

  /**
   * @param tls the backends' TLS context, or null for plain HTTP
   */
  public ReviewsMesh(int port, SSLContext tls) throws IOException {
    this.port = port;
    this.scheme = tls == null ? "http" : "https";
    this.v1a = new Backend("v1", tls);
    this.v1b = new Backend("v1", tls);
    this.v2 = new Backend("v2", tls);
  }

  /** The URL the application calls: a name only the mesh can resolve. */
  public String url() {
    return scheme + "://" + HOST + ":" + port + "/reviews/1";
  }

  /** Listener, routes ({@code end-user: jason} to v2, the rest split by weight), clusters, EDS. */
  public XdsResources split(int v1Weight, int v2Weight) {
    String v1 = clusterName(HOST, port, "v1");
    String v2 = clusterName(HOST, port, "v2");
    return resources(List.of(
        headerRoute("jason", "end-user", "jason", v2),
        defaultRoute(List.of(weight(v1, v1Weight), weight(v2, v2Weight)))));
  }

  /**
   * A version istiod would never send but a buggy control plane might: the split moves to v2, but
   * one route carries a regex RE2 rejects, so the whole route configuration must be NACKed.
   */
  public XdsResources brokenAllToV2() {
    Route broken = Route.newBuilder()
        .setName("broken")
        .setMatch(RouteMatch.newBuilder().setPrefix("/")
            .addHeaders(HeaderMatcher.newBuilder().setName("x-broken")
                .setStringMatch(StringMatcher.newBuilder().setSafeRegex(
                    RegexMatcher.newBuilder().setRegex("(?<name>x")))))
        .setRoute(RouteAction.newBuilder().setCluster(V2))
        .build();
    return resources(List.of(broken, defaultRoute(List.of(weight(V1, 0), weight(V2, 100)))));
  }

  /** Everything to v2, whose pods are all gone: Envoy answers 503 "no healthy upstream" (UH). */
  public XdsResources allToV2WithoutEndpoints() {
    XdsResources all = split(0, 100);
    return new XdsResources(all.listeners(), all.routes(), all.clusters(),
        List.of(all.endpoints().get(0), endpoints(clusterName(HOST, port, "v2"))));
  }

  private XdsResources resources(List<Route> routes) {
    return new XdsResources(
        List.of(listener(HOST, port)),
        List.of(routeConfig(HOST, port, routes)),
        List.of(cluster(HOST, port, "v1"), cluster(HOST, port, "v2")),
        List.of(endpoints(clusterName(HOST, port, "v1"), "127.0.0.1:" + v1a.port(),
                "127.0.0.1:" + v1b.port()),
            endpoints(clusterName(HOST, port, "v2"), "127.0.0.1:" + v2.port())));
  }

  @Override
  public void close() {
    v1a.close();
    v1b.close();
    v2.close();
  }

}
