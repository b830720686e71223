package io.inmesh.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The endpoint the mesh chose for a TCP connection (see {@link Mesh#connect}), handed to the
 * JDK's connect in place of the application's destination. It carries the runtime's handle for
 * the connection, so the advice can report how the connect ended ({@link Mesh#connectEnded})
 * even when that is learnt later, in {@code finishConnect}. Equal to the plain address of the same
 * endpoint.
 */
public final class RoutedAddress extends InetSocketAddress {

  private static final long serialVersionUID = 1L;

  private final transient Object connection;

  /**
   * @param endpoint the endpoint's address (carrying the application's host name, if it gave one)
   * @param connection the runtime's handle, opaque to advice
   */
  public RoutedAddress(InetAddress endpoint, int port, Object connection) {
    super(endpoint, port);
    this.connection = connection;
  }

  /** The runtime's handle for this connection. */
  public Object connection() {
    return connection;
  }
}
