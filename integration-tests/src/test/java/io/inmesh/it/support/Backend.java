package io.inmesh.it.support;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * One version of a service: a real HTTP server on loopback that answers
 * {@code "<version> <Host header>"}, keeps connections alive and counts the connections it accepted.
 */
public final class Backend implements ServiceBackend {

  static {
    // The JDK server otherwise leaves Nagle on, and keep-alive calls then wait for delayed ACKs.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final String version;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "backend");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger requests = new AtomicInteger();
  private volatile String lastHost;

  public Backend(String version) throws IOException {
    this(version, null);
  }

  /** @param tls serve HTTPS with this context, or plain HTTP when null */
  public Backend(String version, SSLContext tls) throws IOException {
    this(version, tls, 200);
  }

  /**
   * @param status the status every answer carries (e.g. 503 for a failing pod)
   */
  public Backend(String version, SSLContext tls, int status) throws IOException {
    this(version, tls, status, 0);
  }

  /**
   * @param delayMillis how long each answer is held back (a slow pod), 0 for none
   */
  public Backend(String version, SSLContext tls, int status, long delayMillis)
      throws IOException {
    this.version = version;
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    if (tls == null) {
      this.server = HttpServer.create(loopback, 64);
    } else {
      HttpsServer https = HttpsServer.create(loopback, 64);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      this.server = https;
    }
    server.createContext("/", exchange -> {
      lastHost = exchange.getRequestHeaders().getFirst("Host");
      requests.incrementAndGet();
      byte[] body = (version + " " + exchange.getRequestHeaders().getFirst("Host"))
          .getBytes(StandardCharsets.UTF_8);
      // What arrived, for tests of the route's request changes.
      exchange.getResponseHeaders().add("x-seen-path", exchange.getRequestURI().getRawPath()
          + (exchange.getRequestURI().getRawQuery() == null ? ""
              : "?" + exchange.getRequestURI().getRawQuery()));
      exchange.getRequestHeaders().forEach((name, values) -> {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        // trace context too: tracing tests compare what reached the server with the spans
        if (lower.startsWith("x-") || lower.equals("traceparent") || lower.equals("tracestate")
            || lower.equals("b3")) {
          exchange.getResponseHeaders().add("x-seen-" + name.toLowerCase(java.util.Locale.ROOT),
              String.join(",", values));
        }
      });
      exchange.getRequestBody().readAllBytes();
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  public String version() {
    return version;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public int requests() {
    return requests.get();
  }

  @Override
  public String lastHost() {
    return lastHost;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
