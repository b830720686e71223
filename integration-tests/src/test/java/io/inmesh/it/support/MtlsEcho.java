package io.inmesh.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TCP service behind STRICT mutual TLS, as a pod with a sidecar is, on 127.0.0.1 only: each line
 * it reads is answered with {@code "<name> <client's SPIFFE ID> <line>"}. Counts the connections
 * whose handshake succeeded.
 */
public final class MtlsEcho implements AutoCloseable {

  private final String name;
  private final SSLServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();

  public MtlsEcho(String name, SSLContext tls) throws IOException {
    this.name = name;
    this.server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 50,
        InetAddress.getByName("127.0.0.1"));
    server.setNeedClientAuth(true);
    Thread acceptor = new Thread(this::accept, "mtls-echo-" + name);
    acceptor.setDaemon(true);
    acceptor.start();
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
        Thread t = new Thread(() -> serve((SSLSocket) socket), "mtls-echo-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SSLSocket socket) {
    try (socket) {
      socket.startHandshake();
      connections.incrementAndGet();
      String peer = MtlsBackend.spiffeId(
          (X509Certificate) socket.getSession().getPeerCertificates()[0]);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        out.write((name + " " + peer + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // a client without the mesh's certificate, or one that went away
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
