package io.inmesh.xds.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.inmesh.policies.tls.CertificateSource;
import io.inmesh.policies.tls.SanMatcher;
import io.inmesh.policies.tls.UpstreamTls;
import io.inmesh.xds.bootstrap.FileWatcherCertificates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CDS {@code transport_socket}: the shapes istiod sends for ISTIO_MUTUAL, and what is NACKed. */
class UpstreamTlsDecodingTest {

  private static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
  private static final FileWatcherCertificates FILES = new FileWatcherCertificates(
      "/var/lib/istio/data/cert-chain.pem", "/var/lib/istio/data/key.pem",
      "/var/lib/istio/data/root-cert.pem", Duration.ofSeconds(900));
  private final ClusterResourceType cds = new ClusterResourceType(Map.of("default", FILES));

  private static Cluster cluster(TransportSocket socket) {
    Cluster.Builder c = Cluster.newBuilder()
        .setName("outbound|9080||reviews.default.svc.cluster.local")
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(
            ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())));
    if (socket != null) {
      c.setTransportSocket(socket);
    }
    return c.build();
  }

  private static TransportSocket tls(CommonTlsContext common, String sni) {
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
        .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder().setCommonTlsContext(common)
            .setSni(sni).build())).build();
  }

  private static CertificateValidationContext.Builder sans(String... exact) {
    CertificateValidationContext.Builder v = CertificateValidationContext.newBuilder();
    for (String s : exact) {
      v.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(s));
    }
    return v;
  }

  /** What istiod's grpc generator sends today: current and deprecated fields side by side. */
  private static CommonTlsContext grpcGenerator(String instance) {
    return CommonTlsContext.newBuilder()
        .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
            .setInstanceName(instance).setCertificateName("default"))
        .setTlsCertificateCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance
            .newBuilder().setInstanceName(instance).setCertificateName("default"))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext
            .newBuilder()
            .setValidationContextCertificateProviderInstance(
                CommonTlsContext.CertificateProviderInstance.newBuilder()
                    .setInstanceName(instance).setCertificateName("ROOTCA"))
            .setDefaultValidationContext(sans(REVIEWS).setCaCertificateProviderInstance(
                CertificateProviderPluginInstance.newBuilder().setInstanceName(instance)
                    .setCertificateName("ROOTCA"))))
        .build();
  }

  private UpstreamTls decode(TransportSocket socket) throws ResourceException {
    return cds.decode(Any.pack(cluster(socket))).value().cluster().tls();
  }

  private String nack(TransportSocket socket) {
    return assertThrows(ResourceException.class, () -> cds.decode(Any.pack(cluster(socket))))
        .reason();
  }

  @Test
  void readsTheGrpcGeneratorsIstioMutual() throws Exception {
    UpstreamTls tls = decode(tls(grpcGenerator("default"), ""));
    assertEquals(new CertificateSource("default", "default"), tls.identity());
    assertEquals(new CertificateSource("default", "ROOTCA"), tls.validation());
    assertEquals(1, tls.subjectAltNames().size());
    assertTrue(tls.subjectAltNames().get(0).matches(6, REVIEWS));
    assertTrue(!tls.subjectAltNames().get(0).matches(6, REVIEWS + "x"));
    assertNull(tls.sni());
    assertTrue(tls.mutual());
  }

  @Test
  void readsTheDeprecatedFieldsAlone() throws Exception {
    CommonTlsContext old = CommonTlsContext.newBuilder()
        .setTlsCertificateCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance
            .newBuilder().setInstanceName("default").setCertificateName("default"))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext
            .newBuilder()
            .setValidationContextCertificateProviderInstance(
                CommonTlsContext.CertificateProviderInstance.newBuilder()
                    .setInstanceName("default").setCertificateName("ROOTCA"))
            .setDefaultValidationContext(sans(REVIEWS)))
        .build();
    UpstreamTls tls = decode(tls(old, ""));
    assertEquals("default", tls.identity().instance());
    assertEquals("ROOTCA", tls.validation().certificateName());
  }

  @Test
  void mapsTheSidecarsSdsSecretsToTheBootstrapProvider() throws Exception {
    CommonTlsContext sds = CommonTlsContext.newBuilder()
        .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("default"))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext
            .newBuilder()
            .setValidationContextSdsSecretConfig(SdsSecretConfig.newBuilder().setName("ROOTCA"))
            .setDefaultValidationContext(sans(REVIEWS)))
        .addAlpnProtocols("istio-peer-exchange").addAlpnProtocols("istio")
        .build();
    UpstreamTls tls = decode(tls(sds, "outbound_.9080_._.reviews.default.svc.cluster.local"));
    assertEquals(new CertificateSource("default", "default"), tls.identity());
    assertEquals(new CertificateSource("default", "ROOTCA"), tls.validation());
    assertEquals("outbound_.9080_._.reviews.default.svc.cluster.local", tls.sni());
    assertEquals(List.of("istio-peer-exchange", "istio"), tls.alpn());
  }

  @Test
  void readsTypedUriMatchers() throws Exception {
    CommonTlsContext common = CommonTlsContext.newBuilder()
        .setValidationContext(CertificateValidationContext.newBuilder()
            .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                .setInstanceName("default"))
            .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                .setSanType(SubjectAltNameMatcher.SanType.URI)
                .setMatcher(StringMatcher.newBuilder().setPrefix("spiffe://cluster.local/"))))
        .build();
    UpstreamTls tls = decode(tls(common, ""));
    assertNull(tls.identity(), "TLS without a client certificate");
    SanMatcher m = tls.subjectAltNames().get(0);
    assertTrue(m.matches(6, REVIEWS));
    assertTrue(!m.matches(2, REVIEWS), "a DNS name does not satisfy a URI matcher");
  }

  @Test
  void plaintextWithoutOrWithRawBufferSocket() throws Exception {
    assertNull(decode(null));
    assertNull(decode(TransportSocket.newBuilder().setName("envoy.transport_sockets.raw_buffer")
        .setTypedConfig(Any.pack(RawBuffer.getDefaultInstance())).build()));
  }

  @Test
  void nacksAnInstanceTheBootstrapLacks() {
    String reason = nack(tls(grpcGenerator("google_cloud_private_spiffe"), ""));
    assertTrue(reason.contains("'google_cloud_private_spiffe'") && reason.contains("[default]"),
        reason);
    ClusterResourceType noProviders = new ClusterResourceType();
    assertThrows(ResourceException.class,
        () -> noProviders.decode(Any.pack(cluster(tls(grpcGenerator("default"), "")))));
  }

  @Test
  void nacksWhatWouldLeaveTheServerUnverifiedOrLooserThanAsked() {
    CommonTlsContext noRoot = CommonTlsContext.newBuilder()
        .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
            .setInstanceName("default"))
        .build();
    assertTrue(nack(tls(noRoot, "")).contains("no root"));
    CommonTlsContext pinned = grpcGenerator("default").toBuilder()
        .setCombinedValidationContext(grpcGenerator("default").getCombinedValidationContext()
            .toBuilder().setDefaultValidationContext(sans(REVIEWS)
                .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                    .setInstanceName("default"))
                .addVerifyCertificateSpki("NvqYIYSbgK2vCJpQhObf77vv+bQWtc5ek5RIOwPiC9A=")))
        .build();
    assertTrue(nack(tls(pinned, "")).contains("verify_certificate_spki"));
    CommonTlsContext sct = grpcGenerator("default").toBuilder()
        .setValidationContext(CertificateValidationContext.newBuilder()
            .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                .setInstanceName("default"))
            .setRequireSignedCertificateTimestamp(BoolValue.of(true)))
        .build();
    assertTrue(nack(tls(sct, "")).contains("require_signed_certificate_timestamp"));
  }

  @Test
  void nacksOtherSdsSecretsAndTransportSockets() {
    CommonTlsContext credentialName = CommonTlsContext.newBuilder()
        .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder()
            .setName("kubernetes://reviews-client-cert"))
        .build();
    assertTrue(nack(tls(credentialName, "")).contains("kubernetes://reviews-client-cert"));
    assertTrue(nack(TransportSocket.newBuilder().setName("envoy.transport_sockets.tap").build())
        .contains("not supported"));
  }
}
