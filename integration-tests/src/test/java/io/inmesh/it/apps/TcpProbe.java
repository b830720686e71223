package io.inmesh.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * An application that makes TCP connections the way drivers do, for the socket-level routing
 * tests. Commands on stdin, one answer line each ({@code OK ...} or {@code ERR ...}):
 * {@code socket HOST PORT} (a blocking {@link Socket}: sends {@code ping}, answers the first line
 * read back), {@code nio HOST PORT} (the same over a {@link SocketChannel}), {@code nbio HOST
 * PORT} (the same, connected non-blocking with {@code finishConnect}), {@code jdbc URL}
 * (PostgreSQL: answers the server's {@code current_database()}), {@code open NAME HOST PORT}
 * (as {@code socket}, but the connection stays open under NAME), {@code close NAME}, {@code quit}.
 */
public final class TcpProbe {

  private TcpProbe() {}

  public static void main(String[] args) throws Exception {
    System.out.println("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] parts = line.trim().split("\\s+");
      if (parts[0].equals("quit")) {
        break;
      }
      String answer;
      try {
        answer = "OK " + switch (parts[0]) {
          case "socket" -> viaSocket(parts[1], Integer.parseInt(parts[2]));
          case "nio" -> viaChannel(parts[1], Integer.parseInt(parts[2]), true);
          case "nbio" -> viaChannel(parts[1], Integer.parseInt(parts[2]), false);
          case "jdbc" -> viaJdbc(parts[1]);
          case "open" -> open(parts[1], parts[2], Integer.parseInt(parts[3]));
          case "close" -> close(parts[1]);
          default -> throw new IllegalArgumentException("unknown command " + parts[0]);
        };
      } catch (Exception e) {
        answer = "ERR " + e.getClass().getName() + ": " + e.getMessage();
      }
      System.out.println(answer.replace('\n', ' '));
    }
  }

  private static final java.util.Map<String, Socket> OPEN = new java.util.HashMap<>();

  private static String open(String name, String host, int port) throws Exception {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), 5_000);
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
      String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8)).readLine();
      OPEN.put(name, socket);
      return reply;
    } catch (Exception e) {
      socket.close();
      throw e;
    }
  }

  private static String close(String name) throws Exception {
    OPEN.remove(name).close();
    return "closed " + name;
  }

  private static String viaSocket(String host, int port) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 5_000);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write("ping\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8)).readLine();
    }
  }

  /**
   * @param blocking false to connect as Kafka's and Netty's NIO clients do: non-blocking, then
   *     {@code finishConnect} until the connection is up
   */
  private static String viaChannel(String host, int port, boolean blocking) throws Exception {
    try (SocketChannel channel = SocketChannel.open()) {
      channel.configureBlocking(blocking);
      if (!channel.connect(new InetSocketAddress(host, port))) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!channel.finishConnect()) {
          if (System.nanoTime() > deadline) {
            throw new java.net.SocketTimeoutException("connect timed out");
          }
          Thread.sleep(5);
        }
      }
      channel.configureBlocking(true);
      channel.write(ByteBuffer.wrap("ping\n".getBytes(StandardCharsets.UTF_8)));
      ByteBuffer reply = ByteBuffer.allocate(256);
      StringBuilder text = new StringBuilder();
      while (text.indexOf("\n") < 0 && channel.read(reply) > 0) {
        reply.flip();
        text.append(StandardCharsets.UTF_8.decode(reply));
        reply.clear();
      }
      int end = text.indexOf("\n");
      return end < 0 ? text.toString() : text.substring(0, end);
    }
  }

  private static String viaJdbc(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select current_database()")) {
      r.next();
      return r.getString(1);
    }
  }
}
