package io.inmesh.api;

import java.net.InetSocketAddress;

/**
 * An endpoint's address that carries the TLS the mesh opens to it, for a client that takes the
 * address to dial from the advice and sets the connection up later, elsewhere (Reactor Netty's
 * channel initializer): that set-up finds the TLS here. Equal to the plain address of the same
 * endpoint, as pool keys need.
 */
public final class MeshTlsAddress extends InetSocketAddress {

  private static final long serialVersionUID = 1L;

  private final transient MeshTls tls;

  /**
   * @param endpoint the endpoint, its address carrying the host name the application used
   */
  public MeshTlsAddress(InetSocketAddress endpoint, MeshTls tls) {
    super(endpoint.getAddress(), endpoint.getPort());
    this.tls = tls;
  }

  public MeshTls tls() {
    return tls;
  }
}
