package io.inmesh.xds.bootstrap;

import java.util.List;

/**
 * {@code xds_servers[0]} of the bootstrap.
 *
 * @param uri where the ADS stream goes
 * @param credentials the first supported entry of {@code channel_creds}
 * @param serverFeatures {@code server_features}, e.g. {@code xds_v3}, {@code ignore_resource_deletion}
 */
public record XdsServer(ServerUri uri, ChannelCredentialsType credentials,
    List<String> serverFeatures) {

  public XdsServer {
    serverFeatures = List.copyOf(serverFeatures);
  }

  public boolean hasFeature(String feature) {
    return serverFeatures.contains(feature);
  }
}
