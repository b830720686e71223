package io.inmesh.xds.bootstrap;

/** {@code xds_servers[].channel_creds[].type}: the ones this client can use. */
public enum ChannelCredentialsType {
  /** Plaintext: Istio's grpc-agent serves xDS on a local unix socket, so this is what it writes. */
  INSECURE,
  /**
   * TLS, mutual when a certificate is configured (gRFC A65): for a bootstrap that talks to a TLS
   * xDS server directly. Its files are in {@link XdsServer#tls()}.
   */
  TLS
}
