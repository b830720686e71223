package io.inmesh.xds.client;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.inmesh.xds.bootstrap.Bootstrap;
import java.util.Locale;

/**
 * Which of istiod's two shapes of xDS the client asks for. Both feed the same immutable model;
 * nothing downstream of the xDS bridge knows which one ran.
 */
public enum XdsMode {
  /**
   * istiod's grpc generator (node metadata {@code GENERATOR=grpc}): LDS per target
   * {@code host:port}, lazily, with RDS, CDS and EDS for what it references. Small; carries only
   * the part of the policy istiod gives proxyless gRPC.
   */
  PROXYLESS,
  /**
   * What an Envoy sidecar gets (no {@code GENERATOR}): wildcard LDS and CDS, RDS per port, EDS,
   * and NDS when {@code DNS_CAPTURE=true}; destinations resolved as Envoy resolves them. Every
   * DestinationRule and EnvoyFilter policy, for the whole (Sidecar-scoped) mesh.
   */
  SIDECAR;

  /** Node metadata that selects istiod's generator. */
  public static final String GENERATOR = "GENERATOR";
  /** Node metadata that asks istiod for the NDS name table (pilot-agent's DNS capture). */
  public static final String DNS_CAPTURE = "DNS_CAPTURE";

  /**
   * The shape istiod will answer this node in: proxyless when its metadata says
   * {@code GENERATOR=grpc}, else the sidecar shape (istiod's default generator).
   */
  public static XdsMode of(Bootstrap bootstrap) {
    return "grpc".equals(metadata(bootstrap.node(), GENERATOR)) ? PROXYLESS : SIDECAR;
  }

  /**
   * Parses the {@code xds_mode} setting.
   *
   * @return the mode, or null for unset/blank (then the bootstrap decides)
   * @throws IllegalArgumentException for anything but {@code proxyless} or {@code sidecar}
   */
  public static XdsMode parse(String setting) {
    if (setting == null || setting.isBlank()) {
      return null;
    }
    return switch (setting.trim().toLowerCase(Locale.ROOT)) {
      case "proxyless" -> PROXYLESS;
      case "sidecar" -> SIDECAR;
      default -> throw new IllegalArgumentException("xds_mode must be proxyless or sidecar, got '"
          + setting + "'");
    };
  }

  /** Whether the node asks for Istio's name table (metadata {@code DNS_CAPTURE} is "true"). */
  static boolean wantsNameTable(Node node) {
    return "true".equalsIgnoreCase(metadata(node, DNS_CAPTURE));
  }

  /** A string field of the node's metadata, or null. */
  static String metadata(Node node, String key) {
    Value v = node.getMetadata().getFieldsMap().get(key);
    return v != null && v.hasStringValue() ? v.getStringValue() : null;
  }
}
