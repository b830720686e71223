package io.inmesh.policies.tls;

import java.util.Map;
import java.util.Objects;

/**
 * One entry of a cluster's {@code transport_socket_matches}: the transport socket used for the
 * endpoints whose {@code envoy.transport_socket_match} metadata carries every key and value of
 * its {@code match}. istiod's auto mTLS sends two: {@code tlsMode-istio} ({@code {tlsMode: istio}}
 * to its mTLS context) and {@code tlsMode-disabled} ({@code {}}, plaintext, which matches every
 * endpoint). Immutable; {@link #matches} allocates nothing (it runs per call).
 */
public final class TransportSocketMatch {

  private final String name;
  private final Map<String, Object> criteria;
  private final UpstreamTls tls;
  // the criteria as arrays, so the per-call test needs no iterator
  private final String[] keys;
  private final Object[] values;

  /**
   * @param name the match's {@code name}, for logs and dumps
   * @param criteria {@code match}: metadata keys and the values they must equal (strings,
   *     booleans, numbers as {@code Double}, other values in the decoder's form); empty matches
   *     any endpoint
   * @param tls the socket's TLS, or null for {@code raw_buffer} (plaintext)
   */
  public TransportSocketMatch(String name, Map<String, Object> criteria, UpstreamTls tls) {
    this.name = name;
    this.criteria = Map.copyOf(criteria);
    this.tls = tls;
    this.keys = this.criteria.keySet().toArray(new String[0]);
    this.values = new Object[keys.length];
    for (int i = 0; i < keys.length; i++) {
      values[i] = this.criteria.get(keys[i]);
    }
  }

  public String name() {
    return name;
  }

  public Map<String, Object> criteria() {
    return criteria;
  }

  /** The socket's TLS, or null for plaintext. */
  public UpstreamTls tls() {
    return tls;
  }

  /**
   * Envoy's label match: every criterion is present in {@code labels} with an equal value (a
   * subset test), so an empty {@code match} accepts any endpoint, even one without metadata.
   */
  public boolean matches(Map<String, Object> labels) {
    for (int i = 0; i < keys.length; i++) {
      if (!values[i].equals(labels.get(keys[i]))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransportSocketMatch m && name.equals(m.name)
        && criteria.equals(m.criteria) && Objects.equals(tls, m.tls);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, criteria, tls);
  }

  @Override
  public String toString() {
    return name + criteria + "->" + (tls == null ? "plaintext" : "tls");
  }
}
