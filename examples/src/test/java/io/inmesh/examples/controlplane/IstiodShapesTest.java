package io.inmesh.examples.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

class IstiodShapesTest {

  private static final String REVIEWS = "reviews.default.svc.cluster.local";

  @Test
  void listenerIsAnApiListenerNamingItsRouteConfigOverAds() throws Exception {
    Listener listener = IstiodShapes.listener(REVIEWS, 9080);

    assertEquals("reviews.default.svc.cluster.local:9080", listener.getName());
    HttpConnectionManager hcm =
        listener.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
    assertEquals("outbound|9080||reviews.default.svc.cluster.local",
        hcm.getRds().getRouteConfigName());
    assertTrue(hcm.getRds().getConfigSource().hasAds());
    assertEquals(List.of(IstiodShapes.FAULT_FILTER, IstiodShapes.ROUTER_FILTER),
        hcm.getHttpFiltersList().stream().map(HttpFilter::getName).toList());
  }

  @Test
  void virtualHostAnswersToTheShortNamesIstiodAdds() {
    RouteConfiguration routes = IstiodShapes.routeConfig(REVIEWS, 9080);

    assertEquals("reviews.default.svc.cluster.local:9080", routes.getVirtualHosts(0).getName());
    assertEquals(List.of(
            REVIEWS, REVIEWS + ":9080", "reviews", "reviews:9080", "reviews.default",
            "reviews.default:9080", "reviews.default.svc", "reviews.default.svc:9080"),
        routes.getVirtualHosts(0).getDomainsList());
    assertEquals("outbound|9080||reviews.default.svc.cluster.local",
        routes.getVirtualHosts(0).getRoutes(0).getRoute().getCluster());
  }

  @Test
  void hostsOutsideTheClusterDomainGetNoShortNames() {
    assertEquals(List.of("api.example.com", "api.example.com:443"),
        IstiodShapes.domains("api.example.com", 443));
  }

  @Test
  void subsetClusterIsAnEdsClusterNamedAsItsServiceName() {
    Cluster cluster = IstiodShapes.cluster(REVIEWS, 9080, "v2");

    assertEquals("outbound|9080|v2|reviews.default.svc.cluster.local", cluster.getName());
    assertEquals(Cluster.DiscoveryType.EDS, cluster.getType());
    assertEquals(cluster.getName(), cluster.getEdsClusterConfig().getServiceName());
    assertTrue(cluster.getEdsClusterConfig().getEdsConfig().hasAds());
  }

  @Test
  void endpointsAreOneWeightedLocalityOfHealthyEndpoints() {
    ClusterLoadAssignment assignment =
        IstiodShapes.endpoints("c", "127.0.0.1:8001", "127.0.0.2:8002");

    assertEquals(1, assignment.getEndpointsCount());
    assertEquals(2, assignment.getEndpoints(0).getLoadBalancingWeight().getValue());
    assertEquals(8002, assignment.getEndpoints(0).getLbEndpoints(1).getEndpoint().getAddress()
        .getSocketAddress().getPortValue());
    assertEquals("127.0.0.2", assignment.getEndpoints(0).getLbEndpoints(1).getEndpoint()
        .getAddress().getSocketAddress().getAddress());
  }
}
