package io.inmesh.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The TLS the mesh originates for a routed call whose cluster requires it (an xDS
 * {@code UpstreamTlsContext}), under whatever scheme the application wrote: advice makes the
 * client open TLS with it to the endpoint. Implemented by the runtime; one instance per distinct
 * cluster TLS configuration, so advice may use it as (part of) a connection pool key.
 */
public abstract class MeshTls {

  /**
   * The context to create the connection's engine or socket from. Its key manager presents the
   * workload certificate current at handshake time and its trust manager verifies the server
   * against the mesh root and the cluster's subject alternative names, so rotated certificates
   * apply to new connections without touching open ones.
   */
  public abstract SSLContext context();

  /**
   * Adjusts a client's parameters for the mesh: the ALPN values a mesh server expects, the
   * cluster's SNI (or none), and no host name verification (the trust manager checks the peer's
   * identity against the cluster's subject alternative names instead).
   */
  public abstract void configure(SSLParameters parameters);

  /**
   * An unconnected socket for clients that create their own: connecting it dials the address
   * asked for (or {@code endpoint} when asked for the endpoint's IP at {@code applicationPort}),
   * completes the TLS handshake, and from then on reads and writes through TLS.
   */
  public abstract Socket newSocket(InetSocketAddress endpoint, int applicationPort);

  /**
   * Layers this TLS on a connected plain socket and completes the handshake, for clients that
   * connect their sockets themselves. On failure the plain socket is closed and the failure
   * thrown: the call never goes on in plaintext.
   */
  public SSLSocket secure(Socket connected) throws IOException {
    return secure(connected, null);
  }

  /**
   * As {@link #secure(Socket)}, offering {@code alpn} instead of the protocols
   * {@link #configure} sets (null keeps those).
   */
  protected final SSLSocket secure(Socket connected, String[] alpn) throws IOException {
    try {
      SSLSocket secured = (SSLSocket) context().getSocketFactory().createSocket(connected,
          connected.getInetAddress().getHostAddress(), connected.getPort(), true);
      SSLParameters parameters = secured.getSSLParameters();
      configure(parameters);
      if (alpn != null) {
        parameters.setApplicationProtocols(alpn);
      }
      secured.setSSLParameters(parameters);
      secured.startHandshake();
      return secured;
    } catch (IOException | RuntimeException e) {
      connected.close();
      throw e;
    }
  }
}
