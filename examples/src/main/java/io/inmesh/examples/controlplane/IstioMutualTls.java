package io.inmesh.examples.controlplane;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;

/**
 * The {@code transport_socket} istiod puts on a cluster whose DestinationRule (or auto mTLS) says
 * {@code ISTIO_MUTUAL}, in the two shapes it sends: to proxyless gRPC (the grpc generator:
 * certificate provider instance {@code default}, certificate names {@code default} and
 * {@code ROOTCA}, the current fields and the deprecated ones side by side) and to Envoy sidecars
 * (SDS secrets {@code default} and {@code ROOTCA}, ALPN {@code istio-peer-exchange, istio}). The
 * subject alternative names are the destination service accounts' SPIFFE IDs.
 */
public final class IstioMutualTls {

  public static final String SOCKET_NAME = "envoy.transport_sockets.tls";

  private IstioMutualTls() {}

  /** The cluster with the grpc generator's {@code ISTIO_MUTUAL} TLS naming {@code instance}. */
  public static Cluster proxyless(Cluster cluster, String instance, List<String> sans) {
    var identity = CertificateProviderPluginInstance.newBuilder().setInstanceName(instance)
        .setCertificateName("default");
    var root = CertificateProviderPluginInstance.newBuilder().setInstanceName(instance)
        .setCertificateName("ROOTCA");
    CommonTlsContext common = CommonTlsContext.newBuilder()
        .setTlsCertificateProviderInstance(identity)
        .setTlsCertificateCertificateProviderInstance(
            CommonTlsContext.CertificateProviderInstance.newBuilder().setInstanceName(instance)
                .setCertificateName("default"))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext
            .newBuilder()
            .setValidationContextCertificateProviderInstance(
                CommonTlsContext.CertificateProviderInstance.newBuilder()
                    .setInstanceName(instance).setCertificateName("ROOTCA"))
            .setDefaultValidationContext(validation(sans).setCaCertificateProviderInstance(root)))
        .build();
    return withTls(cluster, UpstreamTlsContext.newBuilder().setCommonTlsContext(common).build());
  }

  /** The cluster with a sidecar's {@code ISTIO_MUTUAL} TLS (SDS secrets served by pilot-agent). */
  public static Cluster sidecar(Cluster cluster, String sni, List<String> sans) {
    return withTls(cluster, sidecarContext(sni, sans));
  }

  /**
   * A sidecar's {@code ISTIO_MUTUAL} context, as in the {@code transport_socket} of a
   * DestinationRule's ISTIO_MUTUAL or the {@code tlsMode-istio} socket match of auto mTLS: SDS
   * secrets {@code default} and {@code ROOTCA} from pilot-agent's {@code sds-grpc} cluster, the
   * SANs under {@code combined_validation_context}, ALPN {@code istio-peer-exchange, istio}.
   */
  public static UpstreamTlsContext sidecarContext(String sni, List<String> sans) {
    CommonTlsContext common = CommonTlsContext.newBuilder()
        .addTlsCertificateSdsSecretConfigs(sds("default"))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext
            .newBuilder()
            .setValidationContextSdsSecretConfig(sds("ROOTCA"))
            .setDefaultValidationContext(validation(sans)))
        .addAlpnProtocols("istio-peer-exchange")
        .addAlpnProtocols("istio")
        .build();
    return UpstreamTlsContext.newBuilder().setCommonTlsContext(common).setSni(sni).build();
  }

  /** An SDS secret as istiod names it: fetched from pilot-agent over the {@code sds-grpc} cluster. */
  private static SdsSecretConfig sds(String name) {
    return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(ConfigSource.newBuilder()
        .setApiConfigSource(ApiConfigSource.newBuilder()
            .setApiType(ApiConfigSource.ApiType.GRPC)
            .setSetNodeOnFirstMessageOnly(true)
            .setTransportApiVersion(ApiVersion.V3)
            .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(
                GrpcService.EnvoyGrpc.newBuilder().setClusterName("sds-grpc"))))
        .setInitialFetchTimeout(com.google.protobuf.Duration.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)).build();
  }

  private static CertificateValidationContext.Builder validation(List<String> sans) {
    CertificateValidationContext.Builder v = CertificateValidationContext.newBuilder();
    for (String san : sans) {
      v.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(san));
    }
    return v;
  }

  private static Cluster withTls(Cluster cluster, UpstreamTlsContext tls) {
    return cluster.toBuilder().setTransportSocket(TransportSocket.newBuilder()
        .setName(SOCKET_NAME).setTypedConfig(Any.pack(tls))).build();
  }
}
