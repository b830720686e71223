package io.inmesh.it.support;

import static io.inmesh.examples.controlplane.IstiodShapes.cluster;
import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.domains;
import static io.inmesh.examples.controlplane.IstiodShapes.endpoints;
import static io.inmesh.examples.controlplane.IstiodShapes.listener;
import static io.inmesh.examples.controlplane.IstiodShapes.routeConfigName;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.inmesh.examples.controlplane.XdsResources;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

/**
 * A ratings service whose route table uses the VirtualService and DestinationRule features every
 * client must honour: a prefix rewrite with request and response header changes, a host rewrite,
 * a redirect and a direct response answered locally, mirroring (to a live mirror and to one that is down), and a
 * ring-hash cluster on {@code x-user} with three endpoints at priority 0 and one at priority 1.
 */
public final class RatingsMesh implements AutoCloseable {

  public static final String HOST = "ratings.default.svc.cluster.local";
  public static final int PORT = 9080;
  public static final String BASE = "http://" + HOST + ":" + PORT;

  private static final String V1 = clusterName(HOST, PORT, "v1");
  private static final String MIRROR = clusterName(HOST, PORT, "mirror");
  private static final String DOWN = clusterName(HOST, PORT, "down");
  private static final String HASHED = clusterName(HOST, PORT, "hashed");

  public final ServiceBackend v1;
  public final ServiceBackend mirror;
  private final ServiceBackend[] local = new ServiceBackend[3];
  private final ServiceBackend remote;
  private final int closedPort;

  /** The service on HTTP/1.1 backends. */
  public RatingsMesh() throws Exception {
    this(false);
  }

  /** @param http2 serve HTTP/1.1 and cleartext HTTP/2 ({@link H2Backend}) */
  public RatingsMesh(boolean http2) throws Exception {
    v1 = backend("v1", http2);
    mirror = backend("mirror", http2);
    for (int i = 0; i < local.length; i++) {
      local[i] = backend("zone-a-" + i, http2);
    }
    remote = backend("zone-b", http2);
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
  }

  private static ServiceBackend backend(String version, boolean http2) throws Exception {
    return http2 ? new H2Backend(version) : new Backend(version);
  }

  /**
   * @param localHealth the health EDS reports for the hashed cluster's priority 0 endpoints
   */
  public XdsResources resources(HealthStatus localHealth) {
    RouteAction.Builder toV1 = RouteAction.newBuilder().setCluster(V1);
    VirtualHost vhost = VirtualHost.newBuilder()
        .setName(HOST + ":" + PORT)
        .addAllDomains(domains(HOST, PORT))
        .addRoutes(Route.newBuilder().setName("rewrite")
            .setMatch(RouteMatch.newBuilder().setPrefix("/old/"))
            .setRoute(toV1.clone().setPrefixRewrite("/new/"))
            .addRequestHeadersToAdd(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-canary").setValue("yes"))
                .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD))
            .addRequestHeadersToRemove("x-internal")
            .addResponseHeadersToAdd(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-route").setValue("rewrite"))))
        .addRoutes(Route.newBuilder().setName("hosted")
            .setMatch(RouteMatch.newBuilder().setPrefix("/hosted"))
            .setRoute(toV1.clone().setHostRewriteLiteral("ratings.internal")))
        .addRoutes(Route.newBuilder().setName("moved")
            .setMatch(RouteMatch.newBuilder().setPath("/moved"))
            .setRedirect(RedirectAction.newBuilder().setPathRedirect("/ratings/1")
                .setResponseCode(RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY))
            .addResponseHeadersToAdd(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-route").setValue("moved"))))
        .addRoutes(Route.newBuilder().setName("teapot")
            .setMatch(RouteMatch.newBuilder().setPath("/teapot"))
            .setDirectResponse(DirectResponseAction.newBuilder().setStatus(418)
                .setBody(DataSource.newBuilder().setInlineString("short and stout"))))
        .addRoutes(Route.newBuilder().setName("mirrored")
            .setMatch(RouteMatch.newBuilder().setPrefix("/mirrored"))
            .setRoute(toV1.clone().addRequestMirrorPolicies(
                RouteAction.RequestMirrorPolicy.newBuilder().setCluster(MIRROR))))
        .addRoutes(Route.newBuilder().setName("mirror-down")
            .setMatch(RouteMatch.newBuilder().setPrefix("/unmirrored"))
            .setRoute(toV1.clone().addRequestMirrorPolicies(
                RouteAction.RequestMirrorPolicy.newBuilder().setCluster(DOWN))))
        .addRoutes(Route.newBuilder().setName("hashed")
            .setMatch(RouteMatch.newBuilder().setPrefix("/hashed"))
            .setRoute(RouteAction.newBuilder().setCluster(HASHED)
                .addHashPolicy(RouteAction.HashPolicy.newBuilder()
                    .setHeader(RouteAction.HashPolicy.Header.newBuilder()
                        .setHeaderName("x-user")))))
        .addRoutes(Route.newBuilder().setName("default")
            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(toV1))
        .build();
    return new XdsResources(
        List.of(listener(HOST, PORT)),
        List.of(RouteConfiguration.newBuilder().setName(routeConfigName(HOST, PORT))
            .addVirtualHosts(vhost).build()),
        List.of(cluster(HOST, PORT, "v1"), cluster(HOST, PORT, "mirror"),
            cluster(HOST, PORT, "down"), hashedCluster()),
        List.of(endpoints(V1, "127.0.0.1:" + v1.port()),
            endpoints(MIRROR, "127.0.0.1:" + mirror.port()),
            endpoints(DOWN, "127.0.0.1:" + closedPort),
            hashedEndpoints(localHealth)));
  }

  private static Cluster hashedCluster() {
    return Cluster.newBuilder()
        .setName(HASHED)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance()))
            .setServiceName(HASHED))
        .setLbPolicy(Cluster.LbPolicy.RING_HASH)
        .build();
  }

  private ClusterLoadAssignment hashedEndpoints(HealthStatus localHealth) {
    LocalityLbEndpoints.Builder zoneA = LocalityLbEndpoints.newBuilder()
        .setLocality(Locality.newBuilder().setRegion("r1").setZone("zone-a"))
        .setLoadBalancingWeight(UInt32Value.of(local.length))
        .setPriority(0);
    for (ServiceBackend b : local) {
      zoneA.addLbEndpoints(endpoint(b, localHealth));
    }
    LocalityLbEndpoints zoneB = LocalityLbEndpoints.newBuilder()
        .setLocality(Locality.newBuilder().setRegion("r1").setZone("zone-b"))
        .setLoadBalancingWeight(UInt32Value.of(1))
        .setPriority(1)
        .addLbEndpoints(endpoint(remote, HealthStatus.HEALTHY))
        .build();
    return ClusterLoadAssignment.newBuilder().setClusterName(HASHED)
        .addEndpoints(zoneA).addEndpoints(zoneB).build();
  }

  private static LbEndpoint endpoint(ServiceBackend backend, HealthStatus health) {
    return LbEndpoint.newBuilder()
        .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
            .setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1")
                .setPortValue(backend.port()))))
        .setHealthStatus(health)
        .setLoadBalancingWeight(UInt32Value.of(1))
        .build();
  }

  @Override
  public void close() {
    v1.close();
    mirror.close();
    for (ServiceBackend b : local) {
      b.close();
    }
    remote.close();
  }
}
