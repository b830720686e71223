package io.inmesh.bench.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.inmesh.examples.controlplane.SidecarShapes;
import java.util.List;

/**
 * The per-service parts of istiod's output that {@link SidecarShapes} leaves to its callers, as a
 * mesh of many services needs them: routes with istiod's default retry policy and decorator, a
 * DestinationRule's outlier detection and connection pool, a VirtualService's weighted
 * {@code tcp_proxy}, auto mTLS as a sidecar gets it, and endpoints with the locality and Istio
 * metadata istiod writes.
 */
final class IstiodPolicies {

  private IstiodPolicies() {}

  /** istiod's route to a destination: {@code timeout: 0s}, its default retries, a decorator. */
  static Route route(String name, RouteMatch match, RouteAction.Builder action,
      String operation) {
    return Route.newBuilder()
        .setName(name)
        .setMatch(match)
        .setRoute(action
            .setTimeout(Duration.getDefaultInstance())
            .setRetryPolicy(RetryPolicy.newBuilder()
                .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,"
                    + "retriable-status-codes")
                .setNumRetries(UInt32Value.of(2))
                .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                    .setName("envoy.retry_host_predicates.previous_hosts")
                    .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
                .setHostSelectionRetryMaxAttempts(5)
                .addRetriableStatusCodes(503))
            .setMaxGrpcTimeout(Duration.getDefaultInstance()))
        .setDecorator(Decorator.newBuilder().setOperation(operation))
        .build();
  }

  /** A DestinationRule's {@code outlierDetection} as istiod translates it. */
  static OutlierDetection outlierDetection(int consecutive5xx) {
    return OutlierDetection.newBuilder()
        .setConsecutive5Xx(UInt32Value.of(consecutive5xx))
        .setInterval(Duration.newBuilder().setSeconds(10))
        .setBaseEjectionTime(Duration.newBuilder().setSeconds(30))
        .setMaxEjectionPercent(UInt32Value.of(50))
        .setEnforcingConsecutive5Xx(UInt32Value.of(100))
        .setEnforcingSuccessRate(UInt32Value.of(0))
        .setConsecutiveGatewayFailure(UInt32Value.of(0))
        .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(0))
        .build();
  }

  /** A DestinationRule's {@code connectionPool} as istiod translates it. */
  static CircuitBreakers.Thresholds breakers(int maxConnections, int maxPending,
      int maxRequests, int maxRetries) {
    return CircuitBreakers.Thresholds.newBuilder()
        .setPriority(RoutingPriority.DEFAULT)
        .setMaxConnections(UInt32Value.of(maxConnections))
        .setMaxPendingRequests(UInt32Value.of(maxPending))
        .setMaxRequests(UInt32Value.of(maxRequests))
        .setMaxRetries(UInt32Value.of(maxRetries))
        .setTrackRemaining(true)
        .build();
  }

  /**
   * {@code VIP_PORT} of a TCP service with a weighted VirtualService: {@link
   * SidecarShapes#tcpListener}'s filters, the {@code tcp_proxy} split over two subsets.
   */
  static Listener weightedTcpListener(String vip, int port, String statPrefix, String first,
      int firstWeight, String second) {
    Listener plain = SidecarShapes.tcpListener(vip, port, statPrefix, List.of());
    FilterChain.Builder chain = plain.getFilterChains(0).toBuilder();
    int last = chain.getFiltersCount() - 1;
    chain.setFilters(last, chain.getFilters(last).toBuilder().setTypedConfig(Any.pack(
        TcpProxy.newBuilder().setStatPrefix(statPrefix)
            .setWeightedClusters(TcpProxy.WeightedCluster.newBuilder()
                .addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
                    .setName(first).setWeight(firstWeight))
                .addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
                    .setName(second).setWeight(100 - firstWeight)))
            .build())));
    return plain.toBuilder().setFilterChains(0, chain).build();
  }

  /**
   * One locality of HEALTHY endpoints, each with the metadata istiod writes: the auto-mTLS marker
   * and the workload ({@code name;namespace;canonical-service;revision;cluster}).
   */
  static ClusterLoadAssignment endpoints(String cluster, List<String> ips, int port,
      List<String> workloads) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder()
        .setLocality(Locality.newBuilder().setRegion("region-1").setZone("zone-1a"))
        .setLoadBalancingWeight(UInt32Value.of(ips.size()));
    for (int i = 0; i < ips.size(); i++) {
      locality.addLbEndpoints(LbEndpoint.newBuilder()
          .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
              .setSocketAddress(SocketAddress.newBuilder().setAddress(ips.get(i))
                  .setPortValue(port))))
          .setHealthStatus(HealthStatus.HEALTHY)
          .setMetadata(Metadata.newBuilder()
              .putFilterMetadata("envoy.transport_socket_match",
                  Struct.newBuilder().putFields("tlsMode", string("istio")).build())
              .putFilterMetadata("istio",
                  Struct.newBuilder().putFields("workload", string(workloads.get(i))).build()))
          .setLoadBalancingWeight(UInt32Value.of(1)));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(locality)
        .build();
  }

  /**
   * The cluster with istiod's auto-mTLS socket for {@code tlsMode: istio} endpoints: ISTIO_MUTUAL
   * as a sidecar gets it (SDS secrets {@code default} and {@code ROOTCA} from pilot-agent, the
   * service account's SPIFFE ID as the peer to verify, Istio's SNI and ALPN).
   */
  static Cluster withIstioMutualTls(Cluster cluster, String host, String namespace, int port) {
    ConfigSource sds = ConfigSource.newBuilder()
        .setApiConfigSource(ApiConfigSource.newBuilder()
            .setApiType(ApiConfigSource.ApiType.GRPC)
            .setTransportApiVersion(ApiVersion.V3)
            .setSetNodeOnFirstMessageOnly(true)
            .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(
                GrpcService.EnvoyGrpc.newBuilder().setClusterName("sds-grpc"))))
        .setInitialFetchTimeout(Duration.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
    String account = "spiffe://cluster.local/ns/" + namespace + "/sa/"
        + host.substring(0, host.indexOf('.'));
    UpstreamTlsContext tls = UpstreamTlsContext.newBuilder()
        .setSni("outbound_." + port + "_._." + host)
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsParams(TlsParameters.newBuilder()
                .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2)
                .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3))
            .addAlpnProtocols("istio-peer-exchange").addAlpnProtocols("istio")
            .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("default")
                .setSdsConfig(sds))
            .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext
                .newBuilder()
                .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                    .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(account)))
                .setValidationContextSdsSecretConfig(SdsSecretConfig.newBuilder()
                    .setName("ROOTCA").setSdsConfig(sds))))
        .build();
    Cluster.Builder b = cluster.toBuilder();
    for (int i = 0; i < b.getTransportSocketMatchesCount(); i++) {
      if (b.getTransportSocketMatches(i).getName().equals("tlsMode-istio")) {
        b.setTransportSocketMatches(i, b.getTransportSocketMatches(i).toBuilder()
            .setTransportSocket(TransportSocket.newBuilder()
                .setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls))));
      }
    }
    return b.build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
