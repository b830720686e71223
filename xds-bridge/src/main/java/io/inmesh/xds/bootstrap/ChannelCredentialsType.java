package io.inmesh.xds.bootstrap;

/** {@code xds_servers[].channel_creds[].type}: the ones this client can use. */
public enum ChannelCredentialsType {
  /** Plaintext: Istio's grpc-agent serves xDS on a local unix socket, so this is what it writes. */
  INSECURE
}
