package io.inmesh.xds.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.tls.CertificateSource;
import io.inmesh.policies.tls.SocketMatchLabels;
import io.inmesh.policies.tls.UpstreamTls;
import io.inmesh.xds.bootstrap.FileWatcherCertificates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * istiod's auto mTLS in the sidecar shape: {@code transport_socket_matches} with SDS secrets on
 * the cluster, {@code envoy.transport_socket_match} metadata on the EDS endpoints.
 */
class TransportSocketMatchDecodingTest {

  private static final String HOST = "reviews.default.svc.cluster.local";
  private static final String NAME = "outbound|9080||" + HOST;
  private static final String SNI = "outbound_.9080_._." + HOST;
  private static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
  private static final FileWatcherCertificates FILES = new FileWatcherCertificates(
      "/var/lib/istio/data/cert-chain.pem", "/var/lib/istio/data/key.pem",
      "/var/lib/istio/data/root-cert.pem", Duration.ofSeconds(900));
  private final ClusterResourceType cds = new ClusterResourceType(Map.of("default", FILES));

  /** An SDS secret as istiod names it, served by pilot-agent over the {@code sds-grpc} cluster. */
  private static SdsSecretConfig sds(String name) {
    return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(ConfigSource.newBuilder()
        .setApiConfigSource(ApiConfigSource.newBuilder()
            .setApiType(ApiConfigSource.ApiType.GRPC)
            .setTransportApiVersion(ApiVersion.V3)
            .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(
                GrpcService.EnvoyGrpc.newBuilder().setClusterName("sds-grpc"))))
        .setInitialFetchTimeout(com.google.protobuf.Duration.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)).build();
  }

  /** istiod's {@code tlsMode-istio} context for ISTIO_MUTUAL (auto mTLS). */
  private static UpstreamTlsContext istioMutual(String workloadSecret) {
    return UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .addTlsCertificateSdsSecretConfigs(sds(workloadSecret))
            .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext
                .newBuilder()
                .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                    .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(REVIEWS)))
                .setValidationContextSdsSecretConfig(sds("ROOTCA")))
            .addAlpnProtocols("istio-peer-exchange").addAlpnProtocols("istio"))
        .setSni(SNI)
        .build();
  }

  private static Struct struct(String key, Value value) {
    return Struct.newBuilder().putFields(key, value).build();
  }

  private static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Cluster sidecarCluster(UpstreamTlsContext context) {
    return Cluster.newBuilder()
        .setName(NAME)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName(NAME)
            .setEdsConfig(ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance())
                .setInitialFetchTimeout(com.google.protobuf.Duration.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3)))
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-istio")
            .setMatch(struct("tlsMode", str("istio")))
            .setTransportSocket(TransportSocket.newBuilder()
                .setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(context))))
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-disabled")
            .setMatch(Struct.getDefaultInstance())
            .setTransportSocket(TransportSocket.newBuilder()
                .setName("envoy.transport_sockets.raw_buffer")
                .setTypedConfig(Any.pack(RawBuffer.getDefaultInstance()))))
        .build();
  }

  private static LbEndpoint endpoint(String ip, Struct socketMatch) {
    LbEndpoint.Builder lb = LbEndpoint.newBuilder().setEndpoint(
        io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder().setAddress(Address
            .newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip)
                .setPortValue(9080))));
    Metadata.Builder md = Metadata.newBuilder().putFilterMetadata("istio", struct("workload",
        str("reviews-v1;default;reviews;v1;Kubernetes")));
    if (socketMatch != null) {
      md.putFilterMetadata("envoy.transport_socket_match", socketMatch);
    }
    return lb.setMetadata(md).build();
  }

  private UpstreamCluster decode(Cluster cluster) throws ResourceException {
    return cds.decode(Any.pack(cluster)).value().cluster();
  }

  @Test
  void decodesIstiodsAutoMtlsMatchesWithSdsSecretsFromTheBootstrapProvider() throws Exception {
    UpstreamCluster cluster = decode(sidecarCluster(istioMutual("default")));
    assertNull(cluster.tls(), "no transport_socket: plaintext when nothing matches");
    assertEquals(2, cluster.socketMatches().size());
    assertEquals("tlsMode-istio", cluster.socketMatches().get(0).name());
    assertEquals(Map.of("tlsMode", "istio"), cluster.socketMatches().get(0).criteria());
    UpstreamTls tls = cluster.socketMatches().get(0).tls();
    assertEquals(new CertificateSource("default", "default"), tls.identity());
    assertEquals(new CertificateSource("default", "ROOTCA"), tls.validation());
    assertTrue(tls.subjectAltNames().get(0).matches(6, REVIEWS));
    assertEquals(SNI, tls.sni());
    assertEquals(List.of("istio-peer-exchange", "istio"), tls.alpn());
    assertEquals("tlsMode-disabled", cluster.socketMatches().get(1).name());
    assertTrue(cluster.socketMatches().get(1).criteria().isEmpty());
    assertNull(cluster.socketMatches().get(1).tls(), "raw_buffer");
    assertTrue(cluster.mayUseTls());
  }

  @Test
  void endpointsPickTheirSocketByTheirTlsModeMetadata() throws Exception {
    UpstreamCluster cluster = decode(sidecarCluster(istioMutual("default")));
    ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName(NAME)
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .addLbEndpoints(endpoint("127.96.1.1", struct("tlsMode", str("istio"))))
            .addLbEndpoints(endpoint("127.96.1.2", null))
            .addLbEndpoints(endpoint("127.96.1.3", struct("tlsMode", str("disabled")))))
        .build();
    List<Endpoint> endpoints = LoadAssignmentDecoder.decode(cla).endpoints();
    Endpoint sidecar = endpoints.get(0);
    assertEquals(Map.of("tlsMode", "istio"), sidecar.socketLabels().endpoint());
    assertEquals("reviews-v1;default;reviews;v1;Kubernetes", sidecar.workload());
    assertSame(SocketMatchLabels.NONE, endpoints.get(1).socketLabels());
    assertSame(cluster.socketMatches().get(0).tls(), cluster.tlsFor(sidecar));
    assertNull(cluster.tlsFor(endpoints.get(1)), "no sidecar: plaintext (tlsMode-disabled)");
    assertNull(cluster.tlsFor(endpoints.get(2)));
  }

  @Test
  void equalLabelsStringsAndTlsSettingsAreSharedAcrossEndpointsAndClusters() throws Exception {
    ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName(NAME)
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .addLbEndpoints(endpoint("127.96.1.1", struct("tlsMode", str("istio"))))
            .addLbEndpoints(endpoint("127.96.1.2", struct("tlsMode", str("istio")))))
        .build();
    List<Endpoint> first = LoadAssignmentDecoder.decode(cla).endpoints();
    List<Endpoint> again = LoadAssignmentDecoder.decode(cla).endpoints();
    assertSame(first.get(0).socketLabels(), first.get(1).socketLabels());
    assertSame(first.get(0).socketLabels(), again.get(0).socketLabels());
    assertSame(first.get(0).workload(), again.get(1).workload());
    assertSame(first.get(0).host(), again.get(0).host());
    UpstreamTls one = decode(sidecarCluster(istioMutual("default"))).socketMatches().get(0).tls();
    UpstreamTls two = decode(sidecarCluster(istioMutual("default"))).socketMatches().get(0).tls();
    assertSame(one.alpn(), two.alpn());
    assertSame(one.identity(), two.identity());
    assertSame(one.validation(), two.validation());
  }

  @Test
  void localityMetadataIsTheFallback() throws Exception {
    Cluster onlyIstio = sidecarCluster(istioMutual("default")).toBuilder()
        .removeTransportSocketMatches(1).build();
    UpstreamCluster cluster = decode(onlyIstio);
    ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName(NAME)
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .setMetadata(Metadata.newBuilder().putFilterMetadata(
                "envoy.transport_socket_match", struct("tlsMode", str("istio"))))
            .addLbEndpoints(endpoint("127.96.1.4", null)))
        .build();
    Endpoint e = LoadAssignmentDecoder.decode(cla).endpoints().get(0);
    assertEquals(Map.of("tlsMode", "istio"), e.socketLabels().locality());
    assertSame(cluster.socketMatches().get(0).tls(), cluster.tlsFor(e));
  }

  @Test
  void nacksAnUnknownSdsSecretNamingTheMatch() {
    String reason = assertThrows(ResourceException.class,
        () -> decode(sidecarCluster(istioMutual("kubernetes://reviews-cert")))).reason();
    assertTrue(reason.contains("transport_socket_matches 'tlsMode-istio'"), reason);
    assertTrue(reason.contains("kubernetes://reviews-cert"), reason);
  }

  @Test
  void sdsSecretsWithoutACertificateProviderStillDecode() throws Exception {
    // a hand-written bootstrap without pilot-agent's provider: the cluster and its routes stay;
    // calls to its mTLS endpoints fail with 503 UF at run time (UpstreamTlsStep), never plaintext
    ClusterResourceType noProviders = new ClusterResourceType();
    UpstreamCluster cluster = noProviders.decode(
        Any.pack(sidecarCluster(istioMutual("default")))).value().cluster();
    assertEquals(new CertificateSource("default", "default"),
        cluster.socketMatches().get(0).tls().identity());
  }

  @Test
  void aClusterWithoutMatchesKeepsItsOwnSocketForEveryEndpoint() throws Exception {
    Cluster plain = sidecarCluster(istioMutual("default")).toBuilder()
        .clearTransportSocketMatches().build();
    UpstreamCluster cluster = decode(plain);
    assertTrue(cluster.socketMatches().isEmpty());
    assertNull(cluster.tlsFor(new Endpoint("127.96.1.1", 9080, 1,
        io.inmesh.policies.cluster.HealthStatus.HEALTHY, null, null,
        SocketMatchLabels.of(Map.of("tlsMode", "istio"), Map.of()))));
  }
}
