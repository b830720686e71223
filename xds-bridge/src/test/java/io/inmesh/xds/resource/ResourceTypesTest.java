package io.inmesh.xds.resource;

import static io.inmesh.xds.MeshResources.ROUTE_NAME;
import static io.inmesh.xds.MeshResources.TARGET;
import static io.inmesh.xds.MeshResources.V1;
import static io.inmesh.xds.MeshResources.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.inmesh.policies.RequestView;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.HealthStatus;
import io.inmesh.policies.cluster.UpstreamCluster.LbPolicy;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.xds.MeshResources;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each resource type on real Envoy protos: the valid shapes and every NACK reason. */
class ResourceTypesTest {

  private static <T> T parse(ResourceType<?, T> type, Message proto) throws ResourceException {
    return type.decode(Any.pack(proto)).value();
  }

  private static String nack(ResourceType<?, ?> type, Message proto) {
    return assertThrows(ResourceException.class, () -> type.decode(Any.pack(proto))).reason();
  }

  // --- LDS ---

  @Test
  void listenerWithRds() throws Exception {
    ListenerUpdate l = parse(new ListenerResourceType(),
        MeshResources.listener(TARGET, ROUTE_NAME));
    assertEquals(ROUTE_NAME, l.rdsName());
    assertNull(l.inlineRoutes());
    assertEquals(List.of(ListenerResourceType.ROUTER), l.httpFilters());
  }

  @Test
  void listenerWithInlineRoutesAndKnownFilters() throws Exception {
    var hcm = MeshResources.hcm().clearHttpFilters()
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.fault")
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName("custom").setIsOptional(true)
            .setTypedConfig(Any.pack(UInt32Value.of(1))))
        .addHttpFilters(MeshResources.router())
        .setRouteConfig(MeshResources.reviewsRoutes(null)).build();
    ListenerUpdate l = parse(new ListenerResourceType(), MeshResources.listener(TARGET, hcm));
    assertNull(l.rdsName());
    assertEquals(Set.of(V1, V2), l.inlineRoutes().clusterNames());
    assertEquals(2, l.httpFilters().size());
  }

  @Test
  void listenerNackReasons() {
    ListenerResourceType type = new ListenerResourceType();
    assertTrue(nack(type, Listener.newBuilder().setName("0.0.0.0_9080").build())
        .contains("no api_listener"));
    var unknown = MeshResources.hcm().clearHttpFilters()
        .addHttpFilters(HttpFilter.newBuilder().setName("custom")
            .setTypedConfig(Any.pack(UInt32Value.of(1))))
        .addHttpFilters(MeshResources.router())
        .setRds(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds
            .newBuilder().setRouteConfigName("r").setConfigSource(MeshResources.ads()))
        .build();
    assertTrue(nack(type, MeshResources.listener(TARGET, unknown)).contains("not is_optional"));
    var noRouter = unknown.toBuilder().clearHttpFilters().build();
    assertTrue(nack(type, MeshResources.listener(TARGET, noRouter)).contains("no router"));
    var routerFirst = unknown.toBuilder().clearHttpFilters()
        .addHttpFilters(MeshResources.router())
        .addHttpFilters(HttpFilter.newBuilder().setName("fault")
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
        .build();
    assertTrue(nack(type, MeshResources.listener(TARGET, routerFirst)).contains("must be the last"));
    var noRoutes = unknown.toBuilder().clearHttpFilters().addHttpFilters(MeshResources.router())
        .clearRds().build();
    assertTrue(nack(type, MeshResources.listener(TARGET, noRoutes)).contains("route specifier"));
    ResourceException e = assertThrows(ResourceException.class, () -> type.decode(
        Any.pack(MeshResources.listener(TARGET, noRoutes))));
    assertEquals(TARGET, e.resourceName());
    assertTrue(nack(type, Cluster.getDefaultInstance()).contains("in a LDS response"));
  }

  // --- RDS ---

  private static RequestView request(String path, Map<String, String> headers) {
    return new RequestView() {
      @Override
      public String authority() {
        return "reviews:9080";
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public String header(String name) {
        return headers.get(name);
      }
    };
  }

  @Test
  void routeConfigurationToRouteTable() throws Exception {
    RouteConfigUpdate u = parse(new RouteConfigResourceType(), MeshResources.reviewsRoutes(null));
    RouteTable table = u.table();
    assertEquals(ROUTE_NAME, table.name());
    assertEquals(Set.of(V1, V2), u.clusterNames());
    var vh = table.select("reviews:9080");
    assertEquals("jason", vh.select(request("/", Map.of("end-user", "jason"))).name());
    assertEquals("default", vh.select(request("/", Map.of())).name());
    assertEquals(100, ((io.inmesh.policies.route.ClusterSpecifier.WeightedClusters)
        ((io.inmesh.policies.route.RouteAction.Forward) vh.routes().get(1).action()).clusters())
        .totalWeight());
  }

  private static RouteConfiguration oneRoute(Route.Builder route) {
    return RouteConfiguration.newBuilder().setName("r").addVirtualHosts(VirtualHost.newBuilder()
        .setName("vh").addDomains("*").addRoutes(route)).build();
  }

  private static Route.Builder toCluster(RouteMatch.Builder match) {
    return Route.newBuilder().setName("x").setMatch(match)
        .setRoute(RouteAction.newBuilder().setCluster("c"));
  }

  @Test
  void headerMatchersAndCaseInsensitivePaths() throws Exception {
    RouteMatch.Builder match = RouteMatch.newBuilder().setPath("/API")
        .setCaseSensitive(com.google.protobuf.BoolValue.of(false))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-a").setStringMatch(
            StringMatcher.newBuilder().setSuffix("OO").setIgnoreCase(true)))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-b").setPrefixMatch("pre"))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-c").setPresentMatch(true)
            .setInvertMatch(true))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-d").setSafeRegexMatch(
            RegexMatcher.newBuilder().setRegex("[0-9]+")));
    var vh = parse(new RouteConfigResourceType(), oneRoute(toCluster(match))).table().select("h");
    assertEquals("x", vh.select(request("/api?q=1",
        Map.of("x-a", "foo", "x-b", "prefix", "x-d", "42"))).name());
    assertNull(vh.select(request("/api", Map.of("x-a", "foo", "x-b", "prefix", "x-c", "1",
        "x-d", "42"))));
    assertNull(vh.select(request("/api", Map.of("x-a", "foo", "x-b", "prefix", "x-d", "4a"))));
  }

  @Test
  void routeNackReasons() {
    RouteConfigResourceType type = new RouteConfigResourceType();
    assertTrue(nack(type, oneRoute(toCluster(RouteMatch.newBuilder().setSafeRegex(
        RegexMatcher.newBuilder().setRegex("(?<name>x"))))).contains("invalid RE2 regex"));
    Route.Builder zeroWeights = Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(MeshResources.weighted("a", 0))));
    assertTrue(nack(type, oneRoute(zeroWeights)).contains("sum to 0"));
    HeaderMatcher badRange = HeaderMatcher.newBuilder().setName("n").setRangeMatch(
        io.envoyproxy.envoy.type.v3.Int64Range.newBuilder().setStart(3).setEnd(3)).build();
    assertTrue(nack(type, oneRoute(toCluster(RouteMatch.newBuilder().setPrefix("/")
        .addHeaders(badRange)))).contains("range_match"));
    assertTrue(nack(type, oneRoute(Route.newBuilder().setMatch(RouteMatch.newBuilder()
        .setPrefix("/")).setFilterAction(
            io.envoyproxy.envoy.config.route.v3.FilterAction.getDefaultInstance())))
        .contains("FILTER_ACTION"));
  }

  // --- CDS ---

  @Test
  void edsClusterAndInlineStaticCluster() throws Exception {
    ClusterResourceType type = new ClusterResourceType();
    ClusterUpdate eds = parse(type, MeshResources.edsCluster(V1).toBuilder()
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(MeshResources.ads())).build());
    assertTrue(eds.usesEds());
    assertEquals(V1, eds.cluster().edsServiceName(), "service_name defaults to the cluster name");
    assertEquals(LbPolicy.ROUND_ROBIN, eds.cluster().lbPolicy());

    ClusterUpdate statik = parse(type, Cluster.newBuilder().setName("db")
        .setType(Cluster.DiscoveryType.STATIC).setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setLoadAssignment(MeshResources.endpoints("db", "127.0.0.41:5432")).build());
    assertEquals(LbPolicy.LEAST_REQUEST, statik.cluster().lbPolicy());
    assertEquals(List.of(new Endpoint("127.0.0.41", 5432, 1, HealthStatus.HEALTHY)),
        statik.inlineEndpoints().endpoints());
  }

  @Test
  void clusterNackReasons() {
    ClusterResourceType type = new ClusterResourceType();
    assertTrue(nack(type, Cluster.newBuilder().setName("agg").setClusterType(
        Cluster.CustomClusterType.newBuilder().setName("envoy.clusters.aggregate")).build())
        .contains("aggregate"));
    assertTrue(nack(type, Cluster.newBuilder().setName("c").setType(Cluster.DiscoveryType.EDS)
        .build()).contains("must be ads or self"));
    assertTrue(nack(type, Cluster.newBuilder().setName("c")
        .setType(Cluster.DiscoveryType.LOGICAL_DNS).build()).contains("no load_assignment"));
  }

  @Test
  void istiodsSpecialClustersAreAccepted() throws Exception {
    ClusterResourceType type = new ClusterResourceType();
    // PassthroughCluster: ORIGINAL_DST with CLUSTER_PROVIDED (no endpoints of its own)
    ClusterUpdate passthrough = parse(type, Cluster.newBuilder().setName("PassthroughCluster")
        .setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).build());
    assertTrue(passthrough.passthrough());
    // BlackHoleCluster: STATIC without load_assignment, i.e. no endpoints
    ClusterUpdate blackHole = parse(type, Cluster.newBuilder().setName("BlackHoleCluster")
        .setType(Cluster.DiscoveryType.STATIC).build());
    assertEquals(List.of(), blackHole.inlineEndpoints().endpoints());
    // inbound clusters are a proxy's server side: accepted and ignored, whatever they carry
    ClusterUpdate inbound = parse(type, Cluster.newBuilder().setName("inbound|9080||")
        .setType(Cluster.DiscoveryType.ORIGINAL_DST).setClusterType(
            Cluster.CustomClusterType.newBuilder().setName("x")).build());
    assertEquals(ClusterUpdate.Kind.IGNORED, inbound.kind());
  }

  // --- EDS ---

  private static LbEndpoint.Builder endpoint(String host, int port) {
    return LbEndpoint.newBuilder().setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint
        .newBuilder().setAddress(MeshResources.socket(host, port)));
  }

  @Test
  void endpointsKeepPrioritiesWeightsAndHealth() throws Exception {
    ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("c")
        .addEndpoints(LocalityLbEndpoints.newBuilder().setPriority(0)
            .addLbEndpoints(endpoint("127.0.0.1", 80)
                .setHealthStatus(io.envoyproxy.envoy.config.core.v3.HealthStatus.UNHEALTHY)))
        .addEndpoints(LocalityLbEndpoints.newBuilder().setPriority(1)
            .addLbEndpoints(endpoint("127.0.0.2", 80).setLoadBalancingWeight(UInt32Value.of(3)))
            .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(
                io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder().setAddress(
                    Address.newBuilder().setPipe(Pipe.newBuilder().setPath("/tmp/s"))))))
        .addEndpoints(LocalityLbEndpoints.newBuilder().setPriority(1)
            .addLbEndpoints(endpoint("127.0.0.3", 81)
                .setHealthStatus(io.envoyproxy.envoy.config.core.v3.HealthStatus.DRAINING)))
        .build();
    EndpointUpdate u = parse(new EndpointResourceType(), cla);
    assertEquals(List.of(new Endpoint("127.0.0.1", 80, 1, HealthStatus.UNHEALTHY),
        new Endpoint("127.0.0.2", 80, 3, HealthStatus.UNKNOWN),
        new Endpoint("127.0.0.3", 81, 1, HealthStatus.DRAINING)), u.endpoints());
    assertEquals(3, u.assignment().localities().size());
    assertEquals(1, u.assignment().localities().get(1).priority());
    assertEquals(140, u.assignment().overprovisioningFactor());
    assertEquals(1, u.skipped().size());
    assertTrue(u.skipped().get(0).contains("PIPE"));
  }

  @Test
  void endpointsCarryTheWorkloadIstiodNamesInTheirMetadata() throws Exception {
    var istio = io.envoyproxy.envoy.config.core.v3.Metadata.newBuilder().putFilterMetadata(
        "istio", com.google.protobuf.Struct.newBuilder().putFields("workload",
            com.google.protobuf.Value.newBuilder()
                .setStringValue("reviews-v2;default;reviews;v2;Kubernetes").build()).build())
        .build();
    ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("c")
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .addLbEndpoints(endpoint("127.96.0.7", 9080).setMetadata(istio))
            .addLbEndpoints(endpoint("127.96.0.8", 9080)))
        .build();
    EndpointUpdate u = parse(new EndpointResourceType(), cla);
    assertEquals("reviews-v2;default;reviews;v2;Kubernetes", u.endpoints().get(0).workload());
    assertEquals(null, u.endpoints().get(1).workload());
  }

  @Test
  void endpointNackReasons() {
    EndpointResourceType type = new EndpointResourceType();
    assertTrue(nack(type, ClusterLoadAssignment.newBuilder().setClusterName("c")
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(endpoint("127.0.0.1", 80)
            .setLoadBalancingWeight(UInt32Value.of(0))))
        .build()).contains("load_balancing_weight 0"));
    assertTrue(nack(type, ClusterLoadAssignment.newBuilder().setClusterName("c")
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(endpoint("127.0.0.1", 0)))
        .build()).contains("port 0"));
  }
}
