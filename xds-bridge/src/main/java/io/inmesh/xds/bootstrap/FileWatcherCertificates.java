package io.inmesh.xds.bootstrap;

import java.time.Duration;

/**
 * The {@code file_watcher} certificate provider's {@code config} (gRFC A29), which is what Istio's
 * pilot-agent writes into the gRPC bootstrap for its workload certificate (instance
 * {@code default}, files under {@code /var/lib/istio/data}).
 *
 * @param certificateFile {@code certificate_file}: the PEM certificate chain, leaf first, or null
 * @param privateKeyFile {@code private_key_file}: the PEM key of the leaf, or null
 * @param caCertificateFile {@code ca_certificate_file}: PEM roots that verify peers, or null
 * @param refreshInterval {@code refresh_interval} (default 600s, as gRPC's)
 */
public record FileWatcherCertificates(String certificateFile, String privateKeyFile,
    String caCertificateFile, Duration refreshInterval) {

  public static final String PLUGIN = "file_watcher";
  public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(10);

  /** True when the provider can supply an identity (certificate and key). */
  public boolean hasIdentity() {
    return certificateFile != null && privateKeyFile != null;
  }

  /** True when the provider can supply roots. */
  public boolean hasRoots() {
    return caCertificateFile != null;
  }
}
