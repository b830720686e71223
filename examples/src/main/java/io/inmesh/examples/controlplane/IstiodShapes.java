package io.inmesh.examples.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster.ClusterWeight;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Resources shaped as istiod's grpc generator (the proxyless one, node metadata
 * {@code GENERATOR=grpc}) sends them, so tests and the demo feed the agent what it meets in a
 * cluster:
 *
 * <ul>
 *   <li>LDS: one api_listener per requested {@code host:port}, an HttpConnectionManager naming its
 *       route config over ADS, with the fault and router filters istiod always lists.
 *   <li>RDS: route config {@code outbound|PORT||HOST}, one virtual host {@code HOST:PORT} whose
 *       domains include the short names istiod adds.
 *   <li>CDS: EDS clusters {@code outbound|PORT|SUBSET|HOST} fed over ADS.
 *   <li>EDS: one locality of HEALTHY endpoints of weight 1.
 * </ul>
 *
 * Istio's default retry policy and per-route decorators are left out: they belong to a test that
 * needs them, via the builders this class returns.
 */
public final class IstiodShapes {

  public static final String ROUTER_FILTER = "envoy.filters.http.router";
  public static final String FAULT_FILTER = "envoy.filters.http.fault";

  private static final String CLUSTER_DNS_SUFFIX = ".svc.cluster.local";

  private IstiodShapes() {}

  /** {@code host:port}, the LDS name a proxyless client asks for. */
  public static String listenerName(String hostname, int port) {
    return hostname + ":" + port;
  }

  /** {@code outbound|PORT|SUBSET|HOST}; subset "" names the service's default cluster. */
  public static String clusterName(String hostname, int port, String subset) {
    return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + hostname;
  }

  /** {@code outbound|PORT||HOST}: istiod names the route config after the default cluster. */
  public static String routeConfigName(String hostname, int port) {
    return clusterName(hostname, port, "");
  }

  public static Listener listener(String hostname, int port) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder()
            .setConfigSource(adsConfigSource())
            .setRouteConfigName(routeConfigName(hostname, port)))
        // istiod lists the fault filter even without a fault; the router must come last.
        .addHttpFilters(HttpFilter.newBuilder()
            .setName(FAULT_FILTER)
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName(ROUTER_FILTER)
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    return Listener.newBuilder()
        .setName(listenerName(hostname, port))
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }

  /** Route config {@code outbound|PORT||HOST} with one virtual host holding {@code routes}. */
  public static RouteConfiguration routeConfig(String hostname, int port, List<Route> routes) {
    return RouteConfiguration.newBuilder()
        .setName(routeConfigName(hostname, port))
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName(listenerName(hostname, port))
            .addAllDomains(domains(hostname, port))
            .addAllRoutes(routes))
        .build();
  }

  /** Route config whose only route sends everything to the service's default cluster. */
  public static RouteConfiguration routeConfig(String hostname, int port) {
    return routeConfig(hostname, port,
        List.of(defaultRoute(clusterName(hostname, port, ""))));
  }

  /**
   * The virtual host domains istiod writes for a client in the service's namespace: the host and
   * each shorter name that resolves to it there, each bare and with the port.
   */
  public static List<String> domains(String hostname, int port) {
    Set<String> names = new LinkedHashSet<>();
    names.add(hostname);
    if (hostname.endsWith(CLUSTER_DNS_SUFFIX)) {
      String nameAndNamespace =
          hostname.substring(0, hostname.length() - CLUSTER_DNS_SUFFIX.length());
      int dot = nameAndNamespace.indexOf('.');
      if (dot > 0) {
        names.add(nameAndNamespace.substring(0, dot));
      }
      names.add(nameAndNamespace);
      names.add(nameAndNamespace + ".svc");
    }
    List<String> domains = new ArrayList<>();
    for (String name : names) {
      domains.add(name);
      domains.add(name + ":" + port);
    }
    return domains;
  }

  /** Requests with header {@code name} exactly {@code value} go to {@code cluster}. */
  public static Route headerRoute(String routeName, String header, String value, String cluster) {
    return Route.newBuilder()
        .setName(routeName)
        .setMatch(RouteMatch.newBuilder()
            .setPrefix("/")
            .addHeaders(HeaderMatcher.newBuilder()
                .setName(header)
                .setStringMatch(StringMatcher.newBuilder().setExact(value))))
        .setRoute(routeAction().setCluster(cluster))
        .build();
  }

  /** Istio's catch-all route, named "default", to one cluster. */
  public static Route defaultRoute(String cluster) {
    return Route.newBuilder()
        .setName("default")
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(routeAction().setCluster(cluster))
        .build();
  }

  /** Istio's catch-all route split by weight, as a VirtualService with weighted destinations. */
  public static Route defaultRoute(List<ClusterWeight> weights) {
    return Route.newBuilder()
        .setName("default")
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(routeAction().setWeightedClusters(
            WeightedCluster.newBuilder().addAllClusters(weights)))
        .build();
  }

  public static ClusterWeight weight(String cluster, int weight) {
    return ClusterWeight.newBuilder()
        .setName(cluster)
        .setWeight(UInt32Value.of(weight))
        .build();
  }

  /** EDS cluster {@code outbound|PORT|SUBSET|HOST}, endpoints over ADS, round robin. */
  public static Cluster cluster(String hostname, int port, String subset) {
    String name = clusterName(hostname, port, subset);
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(adsConfigSource())
            .setServiceName(name))
        .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
        .build();
  }

  public static ClusterLoadAssignment endpoints(String clusterName, List<InetSocketAddress> addresses) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder()
        // gRPC ignores a locality without a weight; istiod sets the sum of its endpoints' weights.
        .setLoadBalancingWeight(UInt32Value.of(addresses.size()));
    for (InetSocketAddress address : addresses) {
      locality.addLbEndpoints(LbEndpoint.newBuilder()
          .setEndpoint(Endpoint.newBuilder().setAddress(socketAddress(address)))
          .setHealthStatus(HealthStatus.HEALTHY)
          .setLoadBalancingWeight(UInt32Value.of(1)));
    }
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(clusterName)
        .addEndpoints(locality)
        .build();
  }

  /** Endpoints given as {@code host:port} strings, e.g. {@code "127.0.0.1:8080"}. */
  public static ClusterLoadAssignment endpoints(String clusterName, String... hostPorts) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String hostPort : hostPorts) {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("expected host:port, got " + hostPort);
      }
      addresses.add(InetSocketAddress.createUnresolved(
          hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))));
    }
    return endpoints(clusterName, addresses);
  }

  private static RouteAction.Builder routeAction() {
    // istiod writes timeout 0s (no timeout) unless a VirtualService sets one.
    return RouteAction.newBuilder().setTimeout(Duration.newBuilder().setSeconds(0));
  }

  private static ConfigSource adsConfigSource() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  private static Address socketAddress(InetSocketAddress address) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder()
            .setAddress(address.getHostString())
            .setPortValue(address.getPort()))
        .build();
  }
}
