package io.inmesh.xds;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
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
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/** Resources shaped like istiod's grpc generator output, for the bookinfo reviews service. */
public final class MeshResources {

  public static final String TARGET = "reviews.default.svc.cluster.local:9080";
  public static final String ROUTE_NAME = "outbound|9080||reviews.default.svc.cluster.local";
  public static final String V1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
  public static final String V2 = "outbound|9080|v2|reviews.default.svc.cluster.local";

  private MeshResources() {}

  public static HttpFilter router() {
    return HttpFilter.newBuilder().setName("envoy.filters.http.router")
        .setTypedConfig(Any.pack(Router.getDefaultInstance())).build();
  }

  public static HttpConnectionManager.Builder hcm() {
    return HttpConnectionManager.newBuilder().addHttpFilters(router());
  }

  public static Listener listener(String name, String rdsName) {
    HttpConnectionManager hcm = hcm().setRds(Rds.newBuilder().setRouteConfigName(rdsName)
        .setConfigSource(ads())).build();
    return listener(name, hcm);
  }

  public static Listener listener(String name, HttpConnectionManager hcm) {
    return Listener.newBuilder().setName(name)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build();
  }

  public static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();
  }

  /** jason goes to v2; everyone else 80/20 over v1/v2. */
  public static RouteConfiguration reviewsRoutes(String jasonRegex) {
    HeaderMatcher jason = jasonRegex == null
        ? HeaderMatcher.newBuilder().setName("end-user")
            .setStringMatch(StringMatcher.newBuilder().setExact("jason")).build()
        : HeaderMatcher.newBuilder().setName("end-user")
            .setSafeRegexMatch(RegexMatcher.newBuilder().setRegex(jasonRegex)).build();
    return RouteConfiguration.newBuilder().setName(ROUTE_NAME)
        .addVirtualHosts(VirtualHost.newBuilder().setName("reviews.default.svc.cluster.local:9080")
            .addDomains("reviews.default.svc.cluster.local").addDomains("reviews")
            .addDomains("reviews:9080")
            .addRoutes(Route.newBuilder().setName("jason")
                .setMatch(RouteMatch.newBuilder().setPrefix("/").addHeaders(jason))
                .setRoute(RouteAction.newBuilder().setCluster(V2)))
            .addRoutes(Route.newBuilder().setName("default")
                .setMatch(RouteMatch.newBuilder().setPrefix("/")
                    .setCaseSensitive(BoolValue.of(true)))
                .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
                    .addClusters(weighted(V1, 80)).addClusters(weighted(V2, 20))))))
        .build();
  }

  public static WeightedCluster.ClusterWeight weighted(String name, int weight) {
    return WeightedCluster.ClusterWeight.newBuilder().setName(name)
        .setWeight(UInt32Value.of(weight)).build();
  }

  public static Cluster edsCluster(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads())
            .setServiceName(name))
        .build();
  }

  public static ClusterLoadAssignment endpoints(String name, String... hostPorts) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (String hostPort : hostPorts) {
      int colon = hostPort.lastIndexOf(':');
      locality.addLbEndpoints(LbEndpoint.newBuilder()
          .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
              .setAddress(socket(hostPort.substring(0, colon),
                  Integer.parseInt(hostPort.substring(colon + 1)))))
          .setHealthStatus(io.envoyproxy.envoy.config.core.v3.HealthStatus.HEALTHY));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(name).addEndpoints(locality).build();
  }

  public static Address socket(String host, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(host)
        .setPortValue(port)).build();
  }
}
