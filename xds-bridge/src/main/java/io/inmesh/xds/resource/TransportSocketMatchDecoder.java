package io.inmesh.xds.resource;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.inmesh.policies.tls.SocketMatchLabels;
import io.inmesh.policies.tls.TransportSocketMatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster's {@code transport_socket_matches} and the endpoint metadata that selects among them
 * ({@code filter_metadata["envoy.transport_socket_match"]}). istiod's sidecar clusters carry auto
 * mTLS this way: {@code tlsMode-istio} ({@code {tlsMode: istio}}, an {@code UpstreamTlsContext}
 * with the SDS secrets {@code default} and {@code ROOTCA}) and {@code tlsMode-disabled}
 * ({@code {}}, {@code raw_buffer}), with {@code tlsMode: istio} on the EDS endpoints of workloads
 * that have a sidecar (or a proxyless agent). Each socket is read by {@link UpstreamTlsDecoder},
 * so what it NACKs for {@code transport_socket} it NACKs here, naming the match.
 */
final class TransportSocketMatchDecoder {

  /** Envoy's filter metadata key for transport socket selection. */
  static final String METADATA_KEY = "envoy.transport_socket_match";

  /** Endpoints share equal labels: istiod puts {@code {tlsMode: istio}} on nearly every one. */
  private static final Interner<SocketMatchLabels> LABELS = new Interner<>(1024);

  private final UpstreamTlsDecoder tls;

  TransportSocketMatchDecoder(UpstreamTlsDecoder tls) {
    this.tls = tls;
  }

  /** The cluster's matches in order; empty when it has none. */
  List<TransportSocketMatch> decode(Cluster cluster) throws ResourceException {
    if (cluster.getTransportSocketMatchesCount() == 0) {
      return List.of();
    }
    List<TransportSocketMatch> out = new ArrayList<>(cluster.getTransportSocketMatchesCount());
    for (Cluster.TransportSocketMatch m : cluster.getTransportSocketMatchesList()) {
      try {
        // a match without transport_socket means raw_buffer in Envoy (plaintext)
        out.add(new TransportSocketMatch(Names.intern(m.getName()), labels(m.getMatch()),
            m.hasTransportSocket() ? tls.decode(m.getTransportSocket()) : null));
      } catch (ResourceException e) {
        throw new ResourceException(null, "transport_socket_matches '" + m.getName() + "': "
            + e.reason());
      }
    }
    return List.copyOf(out);
  }

  /**
   * The {@code envoy.transport_socket_match} labels of an {@code LbEndpoint} and its locality;
   * {@link SocketMatchLabels#NONE} when neither has any; equal labels are one shared instance.
   */
  static SocketMatchLabels labels(Metadata endpoint, Metadata locality) {
    return LABELS.intern(SocketMatchLabels.of(labels(endpoint), labels(locality)));
  }

  static Map<String, Object> labels(Metadata metadata) {
    Struct s = metadata.getFilterMetadataMap().get(METADATA_KEY);
    return s == null ? Map.of() : labels(s);
  }

  private static Map<String, Object> labels(Struct struct) {
    if (struct.getFieldsCount() == 0) {
      return Map.of();
    }
    Map<String, Object> out = new HashMap<>();
    struct.getFieldsMap().forEach((k, v) -> out.put(Names.intern(k), value(v)));
    return out;
  }

  /**
   * A metadata value in a form whose {@code equals} is Envoy's value equality: strings, booleans
   * and numbers as Java values (so {@code "istio"} never equals {@code true}), anything else
   * (lists, structs, null) as the protobuf value itself.
   */
  private static Object value(Value v) {
    return switch (v.getKindCase()) {
      case STRING_VALUE -> Names.intern(v.getStringValue());
      case BOOL_VALUE -> v.getBoolValue();
      case NUMBER_VALUE -> v.getNumberValue();
      default -> v;
    };
  }
}
