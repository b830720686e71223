package io.inmesh.xds.resource;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster's {@code transport_socket} (gRFC A29, "CDS for Client Side Security"): absent or
 * {@code raw_buffer} is plaintext; {@code envoy.transport_sockets.tls} with an
 * {@code UpstreamTlsContext} becomes an {@link UpstreamTls}. Both shapes istiod sends for
 * {@code ISTIO_MUTUAL} are read:
 * <ul>
 *   <li>proxyless (grpc generator): certificate provider instances,
 *       {@code tls_certificate_provider_instance} (or the deprecated
 *       {@code tls_certificate_certificate_provider_instance}) for the workload certificate and
 *       {@code combined_validation_context} with {@code default_validation_context
 *       .ca_certificate_provider_instance} (or the deprecated
 *       {@code validation_context_certificate_provider_instance}) for the root, instance
 *       {@code default}, certificate names {@code default} and {@code ROOTCA};</li>
 *   <li>sidecar: SDS secrets {@code default} ({@code tls_certificate_sds_secret_configs}) and
 *       {@code ROOTCA} ({@code validation_context_sds_secret_config}), which pilot-agent serves
 *       from the same files it names in the gRPC bootstrap: mapped to the bootstrap's provider
 *       instance {@code default} (or its only instance).</li>
 * </ul>
 * NACKed, as gRPC does: an instance the bootstrap does not define, no root to verify the server
 * with, other SDS secret names, inline certificates, and validation features that would restrict
 * the peer but are not applied here ({@code verify_certificate_spki}, {@code _hash}, {@code crl},
 * {@code custom_validator_config}, {@code require_signed_certificate_timestamp}). Ignored:
 * {@code tls_params} (the JDK's defaults: TLS 1.2 and 1.3), {@code allow_renegotiation},
 * {@code max_session_keys}. A cluster's {@code transport_socket_matches} (istiod's auto mTLS in the
 * sidecar shape) are read by {@link TransportSocketMatchDecoder} with this decoder.
 */
final class UpstreamTlsDecoder {

  static final String TLS_SOCKET = "envoy.transport_sockets.tls";
  static final String RAW_BUFFER = "envoy.transport_sockets.raw_buffer";
  static final String UPSTREAM_TLS_TYPE =
      "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
  static final String RAW_BUFFER_TYPE =
      "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";
  /** istiod's SDS secret names for the workload certificate and the mesh root. */
  static final String SDS_WORKLOAD = "default";
  static final String SDS_ROOT = "ROOTCA";

  /** Clusters share equal values (istiod gives every cluster the same ALPN and secrets). */
  private static final Interner<List<String>> ALPN = new Interner<>(256);
  private static final Interner<CertificateSource> SOURCES = new Interner<>(256);

  private final Map<String, FileWatcherCertificates> providers;

  /** @param providers the bootstrap's {@code certificate_providers} */
  UpstreamTlsDecoder(Map<String, FileWatcherCertificates> providers) {
    this.providers = Map.copyOf(providers);
  }

  /** The cluster's TLS, or null for plaintext. */
  UpstreamTls decode(Cluster cluster) throws ResourceException {
    return cluster.hasTransportSocket() ? decode(cluster.getTransportSocket()) : null;
  }

  /** A transport socket (the cluster's, or a {@code transport_socket_matches} entry's). */
  UpstreamTls decode(TransportSocket socket) throws ResourceException {
    String type = socket.hasTypedConfig() ? socket.getTypedConfig().getTypeUrl() : "";
    if (RAW_BUFFER.equals(socket.getName()) || RAW_BUFFER_TYPE.equals(type)) {
      return null;
    }
    if (!TLS_SOCKET.equals(socket.getName()) && !UPSTREAM_TLS_TYPE.equals(type)) {
      throw new ResourceException(null, "transport_socket " + socket.getName() + " ("
          + type + ") is not supported (tls, raw_buffer)");
    }
    if (!UPSTREAM_TLS_TYPE.equals(type)) {
      throw new ResourceException(null, "transport_socket tls without an UpstreamTlsContext");
    }
    UpstreamTlsContext context;
    try {
      context = socket.getTypedConfig().unpack(UpstreamTlsContext.class);
    } catch (InvalidProtocolBufferException e) {
      throw new ResourceException(null, "cannot decode UpstreamTlsContext: " + e.getMessage());
    }
    return decode(context);
  }

  UpstreamTls decode(UpstreamTlsContext context) throws ResourceException {
    CommonTlsContext common = context.getCommonTlsContext();
    if (common.getTlsCertificatesCount() > 0) {
      throw new ResourceException(null, "inline tls_certificates are not supported (use a"
          + " certificate provider instance)");
    }
    CertificateSource identity = identity(common);
    CertificateValidationContext validation = CertificateValidationContext.getDefaultInstance();
    CertificateSource roots = null;
    switch (common.getValidationContextTypeCase()) {
      case VALIDATION_CONTEXT:
        validation = common.getValidationContext();
        break;
      case COMBINED_VALIDATION_CONTEXT: {
        var combined = common.getCombinedValidationContext();
        validation = combined.getDefaultValidationContext();
        if (combined.hasValidationContextCertificateProviderInstance()) {
          var p = combined.getValidationContextCertificateProviderInstance();
          roots = source(p.getInstanceName(), p.getCertificateName(), "validation_context_"
              + "certificate_provider_instance");
        } else if (combined.hasValidationContextSdsSecretConfig()) {
          roots = sds(combined.getValidationContextSdsSecretConfig(), SDS_ROOT);
        }
        break;
      }
      case VALIDATION_CONTEXT_SDS_SECRET_CONFIG:
        roots = sds(common.getValidationContextSdsSecretConfig(), SDS_ROOT);
        break;
      case VALIDATION_CONTEXT_CERTIFICATE_PROVIDER_INSTANCE: {
        var p = common.getValidationContextCertificateProviderInstance();
        roots = source(p.getInstanceName(), p.getCertificateName(),
            "validation_context_certificate_provider_instance");
        break;
      }
      case VALIDATIONCONTEXTTYPE_NOT_SET:
        break;
      default:
        throw new ResourceException(null, "validation context "
            + common.getValidationContextTypeCase() + " is not supported");
    }
    if (validation.hasCaCertificateProviderInstance()) {
      // the current field wins over the deprecated one istiod sends alongside it
      CertificateProviderPluginInstance p = validation.getCaCertificateProviderInstance();
      roots = source(p.getInstanceName(), p.getCertificateName(),
          "ca_certificate_provider_instance");
    }
    refuseUnappliedChecks(validation);
    if (roots == null) {
      throw new ResourceException(null, "UpstreamTlsContext names no root to verify the server"
          + " with (ca_certificate_provider_instance)");
    }
    if (providers.containsKey(roots.instance()) && !providers.get(roots.instance()).hasRoots()) {
      throw new ResourceException(null, "certificate provider instance " + roots.instance()
          + " has no ca_certificate_file");
    }
    return new UpstreamTls(identity, roots, subjectAltNames(validation),
        Names.intern(context.getSni()),
        alpn(common.getAlpnProtocolsList()));
  }

  /** Every cluster of a mesh offers the same few ALPN lists: one shared instance each. */
  private static List<String> alpn(List<String> protocols) {
    if (protocols.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(protocols.size());
    for (String p : protocols) {
      out.add(Names.intern(p));
    }
    return ALPN.intern(List.copyOf(out));
  }

  private CertificateSource identity(CommonTlsContext common) throws ResourceException {
    CertificateSource identity = null;
    if (common.hasTlsCertificateProviderInstance()) {
      CertificateProviderPluginInstance p = common.getTlsCertificateProviderInstance();
      identity = source(p.getInstanceName(), p.getCertificateName(),
          "tls_certificate_provider_instance");
    } else if (common.hasTlsCertificateCertificateProviderInstance()) {
      var p = common.getTlsCertificateCertificateProviderInstance();
      identity = source(p.getInstanceName(), p.getCertificateName(),
          "tls_certificate_certificate_provider_instance");
    } else if (common.getTlsCertificateSdsSecretConfigsCount() > 0) {
      if (common.getTlsCertificateSdsSecretConfigsCount() > 1) {
        throw new ResourceException(null, "more than one tls_certificate_sds_secret_configs");
      }
      identity = sds(common.getTlsCertificateSdsSecretConfigs(0), SDS_WORKLOAD);
    }
    if (identity != null && providers.containsKey(identity.instance())
        && !providers.get(identity.instance()).hasIdentity()) {
      throw new ResourceException(null, "certificate provider instance " + identity.instance()
          + " has no certificate_file and private_key_file");
    }
    return identity;
  }

  private CertificateSource source(String instance, String certificateName, String field)
      throws ResourceException {
    if (!providers.containsKey(instance)) {
      // gRFC A29: the instance is looked up in the bootstrap; an unknown one is a bad resource.
      throw new ResourceException(null, field + " names certificate provider instance '"
          + instance + "', which the bootstrap's certificate_providers does not define"
          + " (defined: " + providers.keySet() + ")");
    }
    return SOURCES.intern(new CertificateSource(Names.intern(instance),
        Names.intern(certificateName)));
  }

  /** istiod's SDS secret name, served from the bootstrap's certificate provider. */
  private CertificateSource sds(SdsSecretConfig secret, String expected)
      throws ResourceException {
    if (!expected.equals(secret.getName())) {
      throw new ResourceException(null, "SDS secret '" + secret.getName() + "' is not supported"
          + " (only istiod's '" + SDS_WORKLOAD + "' and '" + SDS_ROOT + "', from the bootstrap's"
          + " certificate provider)");
    }
    // pilot-agent's provider is 'default'. Without one the cluster still decodes: istiod puts auto
    // mTLS on every sidecar cluster, and calls to its mTLS endpoints then fail with 503 UF (one
    // log line says why) while the cluster's other endpoints and the routes keep working.
    String instance = providers.containsKey("default") || providers.size() != 1 ? "default"
        : providers.keySet().iterator().next();
    return SOURCES.intern(new CertificateSource(instance, Names.intern(secret.getName())));
  }

  private static void refuseUnappliedChecks(CertificateValidationContext v)
      throws ResourceException {
    String field = v.getVerifyCertificateSpkiCount() > 0 ? "verify_certificate_spki"
        : v.getVerifyCertificateHashCount() > 0 ? "verify_certificate_hash"
        : v.hasCrl() ? "crl"
        : v.hasCustomValidatorConfig() ? "custom_validator_config"
        : v.hasRequireSignedCertificateTimestamp()
            && v.getRequireSignedCertificateTimestamp().getValue()
            ? "require_signed_certificate_timestamp"
        : v.hasTrustedCa() ? "trusted_ca" : null;
    if (field != null) {
      throw new ResourceException(null, "certificate validation " + field
          + " is not supported");
    }
  }

  private static List<SanMatcher> subjectAltNames(CertificateValidationContext v)
      throws ResourceException {
    List<SanMatcher> out = new ArrayList<>();
    for (StringMatcher m : v.getMatchSubjectAltNamesList()) {
      out.add(new SanMatcher(SanMatcher.Type.ANY,
          HeaderMatcherDecoder.stringMatch(m, "match_subject_alt_names")));
    }
    for (SubjectAltNameMatcher m : v.getMatchTypedSubjectAltNamesList()) {
      SanMatcher.Type type = switch (m.getSanType()) {
        case EMAIL -> SanMatcher.Type.EMAIL;
        case DNS -> SanMatcher.Type.DNS;
        case URI -> SanMatcher.Type.URI;
        case IP_ADDRESS -> SanMatcher.Type.IP_ADDRESS;
        default -> throw new ResourceException(null, "match_typed_subject_alt_names san_type "
            + m.getSanType() + " is not supported");
      };
      out.add(new SanMatcher(type,
          HeaderMatcherDecoder.stringMatch(m.getMatcher(), "match_typed_subject_alt_names")));
    }
    return out;
  }
}
