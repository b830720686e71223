package io.inmesh.runtime.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * One reading of a certificate provider's files: the workload identity (chain and key) and the
 * roots. Immutable; {@code generation} grows with every reading that changed something, so a key
 * manager can hand out a chain and later the key of the same reading.
 *
 * @param chain the workload certificate chain, leaf first, or null when the provider has none
 * @param key the leaf's private key, or null
 * @param roots the trusted roots, or null when the provider has none
 */
record CertificateMaterial(long generation, X509Certificate[] chain, PrivateKey key,
    X509Certificate[] roots) {

  /** The leaf's first SPIFFE ID ({@code spiffe://...} URI SAN), or null. */
  String spiffeId() {
    return chain == null ? null : SubjectAltNames.spiffeId(chain[0]);
  }
}
