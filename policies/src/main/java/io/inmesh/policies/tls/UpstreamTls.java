package io.inmesh.policies.tls;

import java.util.List;

/**
 * A cluster's {@code transport_socket} {@code envoy.transport_sockets.tls}: the
 * {@code UpstreamTlsContext} the mesh originates for every call to the cluster, whatever scheme
 * the application wrote. A cluster with one is never called in plaintext.
 *
 * @param identity the local certificate and key ({@code tls_certificate_provider_instance}), or
 *     null for TLS without a client certificate
 * @param validation the roots that verify the server ({@code ca_certificate_provider_instance}
 *     or {@code validation_context_certificate_provider_instance}), or null when the cluster names
 *     none (then nothing verifies the server: the decoder refuses such a cluster)
 * @param subjectAltNames {@code match_subject_alt_names} and {@code match_typed_subject_alt_names};
 *     empty accepts any name the roots vouch for
 * @param sni {@code UpstreamTlsContext.sni}, or null to send none
 * @param alpn {@code common_tls_context.alpn_protocols} as the cluster gives them (informative:
 *     HTTP clients offer {@link #HTTP_ALPN}, see there)
 */
public record UpstreamTls(CertificateSource identity, CertificateSource validation,
    List<SanMatcher> subjectAltNames, String sni, List<String> alpn) {

  /**
   * What an HTTP/1.1 client offers. An Istio sidecar's inbound listener picks its HTTP filter
   * chain for mTLS connections whose ALPN includes {@code istio-http/1.0}, {@code istio-http/1.1}
   * or {@code istio-h2} (the values Envoy's {@code istio.alpn} filter sets on the client side,
   * with {@code istio} for older servers); without one, the connection lands on the TCP chain and
   * loses HTTP authorization and telemetry. {@code http/1.1} last lets a server that speaks ALPN
   * (the sidecar's own TLS context offers {@code h2,http/1.1}, or a proxyless server) settle on
   * HTTP/1.1, which is what the instrumented clients then speak.
   */
  public static final List<String> HTTP_ALPN = List.of("istio-http/1.1", "istio", "http/1.1");

  public UpstreamTls {
    subjectAltNames = List.copyOf(subjectAltNames);
    alpn = List.copyOf(alpn);
    if (sni != null && sni.isEmpty()) {
      sni = null;
    }
  }

  /** True when the local certificate is presented (mutual TLS). */
  public boolean mutual() {
    return identity != null;
  }

  /**
   * Identifies the TLS client configuration: calls to clusters with equal keys share one TLS
   * context (and so its session cache). ALPN and SNI are set per connection and not part of it.
   */
  public String contextKey() {
    return identity + "|" + validation + "|" + subjectAltNames;
  }
}
