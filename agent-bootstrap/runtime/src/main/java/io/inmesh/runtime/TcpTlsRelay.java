package io.inmesh.runtime;

import io.inmesh.policies.log.AgentLog;
import io.inmesh.runtime.tls.ClientTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The mesh's TLS for a TCP connection routed at connect time to an endpoint that requires it
 * (istiod's auto mTLS, {@code tlsMode: istio}): the application's connect goes to a one-time
 * loopback listener, and its bytes, whatever they are (PostgreSQL's protocol, or the
 * application's own TLS), are relayed over a mutual TLS connection to the endpoint. The
 * application's socket cannot be swapped for a TLS one at connect time, so a relay stands in for
 * the sidecar here; it costs a loopback hop and two threads per connection, which suits the few,
 * long-lived connections of database and cache clients.
 */
final class TcpTlsRelay {

  private static final AgentLog LOG = AgentLog.get(TcpTlsRelay.class);
  /** How long the listener waits for the application's connect, and the upstream connect. */
  private static final int TIMEOUT_MILLIS = 10_000;

  /**
   * Opens the listener the application connects to instead of {@code endpoint}.
   *
   * @param destination for logs: where the application connected
   */
  InetSocketAddress open(InetSocketAddress endpoint, ClientTls tls, String destination)
      throws IOException {
    ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    listener.setSoTimeout(TIMEOUT_MILLIS);
    Thread relay = new Thread(() -> relay(listener, endpoint, tls, destination),
        "inmesh-tcp-tls");
    relay.setDaemon(true);
    relay.start();
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  private static void relay(ServerSocket listener, InetSocketAddress endpoint, ClientTls tls,
      String destination) {
    Socket application = null;
    Socket upstream = null;
    try {
      try (listener) {
        application = listener.accept();
      }
      Socket plain = new Socket();
      plain.connect(endpoint, TIMEOUT_MILLIS);
      upstream = tls.secureStream(plain);
      Socket app = application;
      Socket up = upstream;
      Thread toUpstream = new Thread(() -> pump(app, up), "inmesh-tcp-tls-out");
      toUpstream.setDaemon(true);
      toUpstream.start();
      pump(upstream, application);
    } catch (IOException | RuntimeException e) {
      LOG.warn("mesh TLS to %s for the connection to %s failed: %s", endpoint, destination, e);
      closeQuietly(application);
      closeQuietly(upstream);
    }
  }

  /** Copies until end of stream, then ends the other side's output; closes both on failure. */
  private static void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        out.flush();
      }
      if (to instanceof javax.net.ssl.SSLSocket) {
        to.close(); // TLS has no half-close: the stream ends with the connection
        closeQuietly(from);
      } else {
        to.shutdownOutput();
      }
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
  }
}
