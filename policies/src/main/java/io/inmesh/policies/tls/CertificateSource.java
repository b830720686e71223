package io.inmesh.policies.tls;

/**
 * Where a cluster's TLS material comes from: a bootstrap {@code certificate_providers} instance
 * and the certificate it names (gRFC A29 {@code CertificateProviderPluginInstance}:
 * {@code instance_name}, {@code certificate_name}). istiod's SDS secret names for Envoy sidecars
 * ({@code default} for the workload certificate, {@code ROOTCA} for the mesh root) are mapped to
 * the bootstrap's provider by the decoder, so both shapes arrive here the same way.
 *
 * @param instance the {@code certificate_providers} key in the bootstrap
 * @param certificateName the provider's certificate name (empty for the provider's default)
 */
public record CertificateSource(String instance, String certificateName) {

  public CertificateSource {
    if (instance == null || instance.isEmpty()) {
      throw new IllegalArgumentException("certificate provider instance_name is empty");
    }
    certificateName = certificateName == null ? "" : certificateName;
  }

  @Override
  public String toString() {
    return certificateName.isEmpty() ? instance : instance + "/" + certificateName;
  }
}
