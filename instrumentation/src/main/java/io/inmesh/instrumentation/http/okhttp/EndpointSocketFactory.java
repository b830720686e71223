package io.inmesh.instrumentation.http.okhttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import io.inmesh.api.MeshTls;
import javax.net.SocketFactory;

/**
 * Makes sockets that dial the endpoint's port. OkHttp connects to the IP its {@code Dns} gave and
 * the URL's port; {@link MeshDns} supplies the endpoint's IP, this the port: a connect to
 * {@code endpointIp:applicationPort} goes to {@code endpointIp:endpointPort} instead (any other
 * address, e.g. after a redirect to another host, is dialled as asked). TLS is layered on the
 * connected socket by OkHttp with the URL's host name, so the TLS identity stays the
 * application's. When the cluster requires TLS and the application wrote {@code http://}, the
 * sockets are the mesh's TLS sockets instead ({@link MeshTls#newSocket}): OkHttp speaks plain
 * HTTP/1.1 into them and the bytes go out encrypted.
 *
 * <p>Defined in OkHttp's class loader (see {@code HelperClasses}): it may reference only the JDK
 * and the bootstrap API.
 */
public final class EndpointSocketFactory extends SocketFactory {

  private final InetSocketAddress endpoint;
  private final int applicationPort;
  private final MeshTls tls;

  public EndpointSocketFactory(InetSocketAddress endpoint, int applicationPort) {
    this(endpoint, applicationPort, null);
  }

  /** @param tls the TLS the cluster requires, or null for plain sockets */
  public EndpointSocketFactory(InetSocketAddress endpoint, int applicationPort, MeshTls tls) {
    this.endpoint = endpoint;
    this.applicationPort = applicationPort;
    this.tls = tls;
  }

  @Override
  public Socket createSocket() {
    return tls != null ? tls.newSocket(endpoint, applicationPort)
        : new EndpointSocket(endpoint, applicationPort);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(new InetSocketAddress(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    Socket socket = createSocket();
    socket.bind(new InetSocketAddress(localHost, localPort));
    socket.connect(new InetSocketAddress(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(new InetSocketAddress(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
      int localPort) throws IOException {
    Socket socket = createSocket();
    socket.bind(new InetSocketAddress(localAddress, localPort));
    socket.connect(new InetSocketAddress(address, port));
    return socket;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EndpointSocketFactory
        && endpoint.equals(((EndpointSocketFactory) other).endpoint)
        && applicationPort == ((EndpointSocketFactory) other).applicationPort
        // part of OkHttp's pool key: a TLS connection never carries a plaintext call, nor back
        && tls == ((EndpointSocketFactory) other).tls;
  }

  @Override
  public int hashCode() {
    return endpoint.hashCode() * 31 + applicationPort;
  }

  /** A plain socket whose connect to the endpoint's IP at the application's port dials the endpoint. */
  static final class EndpointSocket extends Socket {

    private final InetSocketAddress endpoint;
    private final int applicationPort;

    EndpointSocket(InetSocketAddress endpoint, int applicationPort) {
      this.endpoint = endpoint;
      this.applicationPort = applicationPort;
    }

    @Override
    public void connect(SocketAddress target, int timeout) throws IOException {
      if (target instanceof InetSocketAddress) {
        InetSocketAddress address = (InetSocketAddress) target;
        if (address.getPort() == applicationPort
            && endpoint.getAddress().equals(address.getAddress())) {
          target = endpoint;
        }
      }
      super.connect(target, timeout);
    }
  }
}
