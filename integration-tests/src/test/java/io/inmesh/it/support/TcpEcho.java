package io.inmesh.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP service on 127.0.0.1 only (so a connection to any other 127.x address is refused unless
 * something routes it): each line it reads is answered with {@code "<name> <line>"}. Counts the
 * connections it accepted.
 */
public final class TcpEcho implements AutoCloseable {

  private final String name;
  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();

  public TcpEcho(String name) throws IOException {
    this.name = name;
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread acceptor = new Thread(this::accept, "tcp-echo-" + name);
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
        connections.incrementAndGet();
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
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        out.write((name + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
