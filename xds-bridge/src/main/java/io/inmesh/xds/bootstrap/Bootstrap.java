package io.inmesh.xds.bootstrap;

import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * A parsed gRPC xDS bootstrap (gRFC A27).
 *
 * @param source where it came from (a file path or {@code GRPC_XDS_BOOTSTRAP_CONFIG}), for logs
 * @param server the first of {@code xds_servers}; gRPC uses only the first one too
 * @param node {@code node} as an Envoy proto, without the user agent fields the client adds
 * @param certificateProviders {@code certificate_providers} by instance name: the
 *     {@code file_watcher} instances (the only plugin run here; empty when absent)
 */
public record Bootstrap(String source, XdsServer server, Node node,
    java.util.Map<String, FileWatcherCertificates> certificateProviders) {

  public Bootstrap {
    certificateProviders = java.util.Map.copyOf(certificateProviders);
  }
}
