package io.inmesh.runtime.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The socket a plain-HTTP client gets for a mesh TLS call: connecting dials the endpoint,
 * completes the TLS handshake within the connect timeout, and from then on every read, write and
 * option goes to the TLS socket layered on the connection. Clients that create their sockets
 * unconnected from a {@code SocketFactory} (OkHttp, Apache HttpClient) use it unchanged: they
 * speak HTTP/1.1 into a stream that happens to be encrypted. A connect to any other address (a
 * redirect to another host that the client follows by itself) is plain, as without the mesh:
 * that host is not the cluster's.
 */
final class TlsSocket extends Socket {

  private final ClientTls tls;
  private final InetSocketAddress endpoint;
  private final int applicationPort;
  /** The TLS socket to the endpoint, or a plain one to any other address; null until connected. */
  private volatile Socket ssl;
  private int soTimeout;
  private boolean tcpNoDelay = true;
  private SocketAddress localBind;

  TlsSocket(ClientTls tls, InetSocketAddress endpoint, int applicationPort) {
    this.tls = tls;
    this.endpoint = endpoint;
    this.applicationPort = applicationPort;
  }

  @Override
  public void connect(SocketAddress target, int timeout) throws IOException {
    boolean mesh = false;
    if (target instanceof InetSocketAddress address && (address.equals(endpoint)
        || (address.getPort() == applicationPort
            && endpoint.getAddress().equals(address.getAddress())))) {
      target = endpoint;
      mesh = true;
    }
    if (!(target instanceof InetSocketAddress address) || address.isUnresolved()) {
      throw new SocketException("cannot connect to " + target);
    }
    Socket raw = new Socket();
    try {
      raw.setTcpNoDelay(tcpNoDelay);
      if (localBind != null) {
        raw.bind(localBind);
      }
      raw.connect(address, timeout);
      if (!mesh) {
        // another host (a redirect the client follows itself): not the cluster's, so not its TLS
        raw.setSoTimeout(soTimeout);
        ssl = raw;
        return;
      }
      // the endpoint's IP names the peer: TLS sessions are resumed per endpoint
      SSLSocket layered = (SSLSocket) tls.context().getSocketFactory().createSocket(raw,
          address.getAddress().getHostAddress(), address.getPort(), true);
      SSLParameters parameters = layered.getSSLParameters();
      tls.configure(parameters);
      layered.setSSLParameters(parameters);
      layered.setSoTimeout(timeout > 0 ? timeout : soTimeout);
      layered.startHandshake();
      layered.setSoTimeout(soTimeout);
      ssl = layered;
    } catch (SSLException e) {
      raw.close();
      throw new SSLException("inmesh: TLS to " + address + " failed: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  @Override
  public void bind(SocketAddress local) {
    localBind = local;
  }

  private Socket ssl() throws SocketException {
    Socket s = ssl;
    if (s == null) {
      throw new SocketException("Socket is not connected");
    }
    return s;
  }

  @Override
  public InputStream getInputStream() throws IOException {
    return ssl().getInputStream();
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return ssl().getOutputStream();
  }

  @Override
  public synchronized void close() throws IOException {
    Socket s = ssl;
    try {
      if (s != null) {
        s.close();
      }
    } finally {
      super.close();
    }
  }

  @Override
  public boolean isConnected() {
    Socket s = ssl;
    return s != null && s.isConnected();
  }

  @Override
  public boolean isBound() {
    Socket s = ssl;
    return s != null && s.isBound();
  }

  @Override
  public boolean isClosed() {
    Socket s = ssl;
    return super.isClosed() || (s != null && s.isClosed());
  }

  @Override
  public boolean isInputShutdown() {
    Socket s = ssl;
    return s != null && s.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    Socket s = ssl;
    return s != null && s.isOutputShutdown();
  }

  @Override
  public void shutdownInput() throws IOException {
    ssl().shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    ssl().shutdownOutput();
  }

  @Override
  public synchronized void setSoTimeout(int timeout) throws SocketException {
    soTimeout = timeout;
    Socket s = ssl;
    if (s != null) {
      s.setSoTimeout(timeout);
    }
  }

  @Override
  public synchronized int getSoTimeout() throws SocketException {
    Socket s = ssl;
    return s != null ? s.getSoTimeout() : soTimeout;
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    tcpNoDelay = on;
    Socket s = ssl;
    if (s != null) {
      s.setTcpNoDelay(on);
    }
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    Socket s = ssl;
    return s != null ? s.getTcpNoDelay() : tcpNoDelay;
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    ssl().setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return ssl().getKeepAlive();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    ssl().setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return ssl().getSoLinger();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    Socket s = ssl;
    if (s != null) {
      s.setReceiveBufferSize(size);
    }
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return ssl().getReceiveBufferSize();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    Socket s = ssl;
    if (s != null) {
      s.setSendBufferSize(size);
    }
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return ssl().getSendBufferSize();
  }

  @Override
  public InetAddress getInetAddress() {
    Socket s = ssl;
    return s == null ? null : s.getInetAddress();
  }

  @Override
  public int getPort() {
    Socket s = ssl;
    return s == null ? 0 : s.getPort();
  }

  @Override
  public InetAddress getLocalAddress() {
    Socket s = ssl;
    return s == null ? super.getLocalAddress() : s.getLocalAddress();
  }

  @Override
  public int getLocalPort() {
    Socket s = ssl;
    return s == null ? -1 : s.getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    Socket s = ssl;
    return s == null ? null : s.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    Socket s = ssl;
    return s == null ? null : s.getLocalSocketAddress();
  }

  /** The TLS socket, or null (not connected, or connected elsewhere in plaintext). */
  SSLSocket tlsSocket() {
    return ssl instanceof SSLSocket tls ? tls : null;
  }

  @Override
  public String toString() {
    Socket s = ssl;
    return "inmesh TLS " + (s == null ? "unconnected" : s.toString());
  }
}
