package io.inmesh.bench.app;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upstream service, in a JVM of its own so that its CPU never counts as the app's: two
 * identical instances {@code a} and {@code b} on loopback (the two endpoints every variant
 * balances over) and a {@code sink} that accepts whatever is posted (the OpenTelemetry agent's
 * OTLP exporter). Prints {@code READY a=PORT b=PORT sink=PORT}; answers {@code counts} on stdin
 * with {@code COUNTS a=N b=N}; exits when stdin closes.
 *
 * <p>Run with {@code -Dsun.net.httpserver.nodelay=true}: the JDK server otherwise leaves Nagle on
 * and every keep-alive response waits about 40 ms for a delayed ACK.
 */
public final class BackendMain {

  private BackendMain() {}

  public static void main(String[] args) throws IOException {
    AtomicLong aCount = new AtomicLong();
    AtomicLong bCount = new AtomicLong();
    HttpServer a = instance("a", aCount);
    HttpServer b = instance("b", bCount);
    HttpServer sink = instance("sink", new AtomicLong());
    System.out.println("READY a=" + a.getAddress().getPort() + " b=" + b.getAddress().getPort()
        + " sink=" + sink.getAddress().getPort());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.equals("counts")) {
        System.out.println("COUNTS a=" + aCount.get() + " b=" + bCount.get());
      }
    }
    System.exit(0);
  }

  private static HttpServer instance(String name, AtomicLong requests) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    byte[] body = ("reviews " + name + "\n").getBytes(StandardCharsets.US_ASCII);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    return server;
  }
}
