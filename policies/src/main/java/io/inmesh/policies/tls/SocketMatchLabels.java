package io.inmesh.policies.tls;

import java.util.Map;

/**
 * An endpoint's {@code envoy.transport_socket_match} metadata, which picks its entry of the
 * cluster's {@code transport_socket_matches}: the {@code LbEndpoint}'s own, then its
 * {@code LocalityLbEndpoints}' (Envoy checks every match against the first before the second).
 * istiod writes {@code {tlsMode: istio}} on the endpoints of workloads that accept mTLS.
 *
 * @param endpoint the endpoint's labels (empty when it has none)
 * @param locality its locality's labels (empty when it has none)
 */
public record SocketMatchLabels(Map<String, Object> endpoint, Map<String, Object> locality) {

  /** No metadata: only a match with empty criteria applies. */
  public static final SocketMatchLabels NONE = new SocketMatchLabels(Map.of(), Map.of());

  public SocketMatchLabels {
    endpoint = Map.copyOf(endpoint);
    locality = Map.copyOf(locality);
  }

  /** The labels, or {@link #NONE} when both are empty (endpoints then share one instance). */
  public static SocketMatchLabels of(Map<String, Object> endpoint, Map<String, Object> locality) {
    return endpoint.isEmpty() && locality.isEmpty() ? NONE
        : new SocketMatchLabels(endpoint, locality);
  }
}
