package io.inmesh.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TCP service on 127.0.0.1 only (so a connection to any other 127.x address is refused unless
 * something routes it): each line it reads is answered with {@code "<name> <line>"}, or, behind
 * STRICT mutual TLS as a pod with a sidecar is ({@link #mutualTls}), with
 * {@code "<name> <client's SPIFFE ID> <line>"}. Counts the connections it served.
 */
public final class TcpEcho implements AutoCloseable {

  private final String name;
  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();

  public TcpEcho(String name) throws IOException {
    this(name, new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
  }

  private TcpEcho(String name, ServerSocket server) {
    this.name = name;
    this.server = server;
    Thread acceptor = new Thread(this::accept, "tcp-echo-" + name);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The service behind mutual TLS: only clients with a certificate the context trusts. */
  public static TcpEcho mutualTls(String name, SSLContext tls) throws IOException {
    SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0,
        50, InetAddress.getByName("127.0.0.1"));
    server.setNeedClientAuth(true);
    return new TcpEcho(name, server);
  }

  public int port() {
    return server.getLocalPort();
  }

  public int connections() {
    return connections.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread t = new Thread(() -> serve(socket), "tcp-echo-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      String prefix = name + " ";
      if (socket instanceof SSLSocket tls) {
        tls.startHandshake();
        prefix += MtlsBackend.spiffeId(
            (X509Certificate) tls.getSession().getPeerCertificates()[0]) + " ";
      }
      connections.incrementAndGet();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        out.write((prefix + line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away, or had no certificate the service trusts
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
