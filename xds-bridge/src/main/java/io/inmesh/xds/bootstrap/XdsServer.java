package io.inmesh.xds.bootstrap;

import java.util.List;

/**
 * {@code xds_servers[0]} of the bootstrap.
 *
 * @param uri where the ADS stream goes
 * @param credentials the first supported entry of {@code channel_creds}
 * @param serverFeatures {@code server_features}, e.g. {@code xds_v3}, {@code ignore_resource_deletion}
 * @param tls the {@code tls} channel credentials' {@code config} (gRFC A65: the
 *     {@code file_watcher} fields; no certificate means TLS without a client certificate, no
 *     CA file the JDK's default roots), or null unless {@code credentials} is TLS
 */
public record XdsServer(ServerUri uri, ChannelCredentialsType credentials,
    List<String> serverFeatures, FileWatcherCertificates tls) {

  public XdsServer {
    serverFeatures = List.copyOf(serverFeatures);
  }

  public XdsServer(ServerUri uri, ChannelCredentialsType credentials,
      List<String> serverFeatures) {
    this(uri, credentials, serverFeatures, null);
  }

  public boolean hasFeature(String feature) {
    return serverFeatures.contains(feature);
  }
}
