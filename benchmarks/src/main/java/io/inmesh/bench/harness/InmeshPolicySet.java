package io.inmesh.bench.harness;

import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.endpoints;
import static io.inmesh.examples.controlplane.IstiodShapes.headerRoute;
import static io.inmesh.examples.controlplane.IstiodShapes.weight;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.inmesh.examples.controlplane.IstiodShapes;
import io.inmesh.examples.controlplane.XdsResources;
import java.nio.file.Path;
import java.util.List;

/**
 * The policy set of the day for the Inmesh variant: everything the agent can apply, switched on,
 * in the shapes istiod sends. This is the one place a feature issue changes to add its policy to
 * the benchmark; each method below names what goes where.
 *
 * <p>Today: a header route that never matches (so matching walks past it), an 80/20 weighted split
 * between subsets v1 (instance a) and v2 (instance b), round robin within each subset.
 */
public final class InmeshPolicySet {

  public static final String HOST = "reviews.default.svc.cluster.local";
  public static final int PORT = 9080;
  /** The URL the app calls: a name only the mesh resolves. */
  public static final String URL = "http://" + HOST + ":" + PORT + "/reviews/1";
  public static final int V1_WEIGHT = 80;
  public static final int V2_WEIGHT = 20;

  private InmeshPolicySet() {}

  public static XdsResources resources(int portA, int portB) {
    String v1 = clusterName(HOST, PORT, "v1");
    String v2 = clusterName(HOST, PORT, "v2");
    return new XdsResources(
        List.of(listener()),
        List.of(routes(v1, v2)),
        List.of(cluster("v1"), cluster("v2")),
        List.of(endpoints(v1, "127.0.0.1:" + portA), endpoints(v2, "127.0.0.1:" + portB)));
  }

  /**
   * Agent arguments. Telemetry is on (Istio metrics recorded for every call, the Prometheus and
   * admin listeners bound, on loopback); spans join when they land.
   */
  public static String agentArguments(Path bootstrap) {
    return "bootstrap=" + bootstrap + ",telemetry=true,metrics=127.0.0.1:0,admin=127.0.0.1:0";
  }

  /** The HTTP filter chain: a local rate limit that never trips goes here (istiod: EnvoyFilter). */
  private static Listener listener() {
    return IstiodShapes.listener(HOST, PORT);
  }

  /** Routes: retries ({@code retry_policy}) and timeouts go on the split route. */
  private static RouteConfiguration routes(String v1, String v2) {
    Route split = IstiodShapes.defaultRoute(List.of(weight(v1, V1_WEIGHT), weight(v2, V2_WEIGHT)));
    return IstiodShapes.routeConfig(HOST, PORT,
        List.of(headerRoute("jason-to-v2", "end-user", "jason", v2), split));
  }

  /** Clusters: circuit breakers and outlier detection go here (istiod: DestinationRule). */
  private static Cluster cluster(String subset) {
    return IstiodShapes.cluster(HOST, PORT, subset);
  }
}
