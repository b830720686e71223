package io.inmesh.it.support;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A server as an Istio sidecar in STRICT mode presents it: TLS that requires a client certificate
 * of the mesh. Answers {@code "<version> <client SPIFFE ID>#<client certificate serial>"}, so a
 * test sees which identity, and which issue of it, the call carried. A request with
 * {@code x-close: 1} gets {@code Connection: close}, so the next call makes a new handshake.
 */
public final class MtlsBackend implements AutoCloseable {

  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "mtls-backend");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger requests = new AtomicInteger();

  public MtlsBackend(String version, SSLContext tls) throws IOException {
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = tls.getDefaultSSLParameters();
        p.setNeedClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      javax.net.ssl.SSLSession session = ((HttpsExchange) exchange).getSSLSession();
      X509Certificate client = (X509Certificate) session.getPeerCertificates()[0];
      byte[] body = (version + " " + spiffeId(client) + "#" + client.getSerialNumber())
          .getBytes(StandardCharsets.UTF_8);
      if ("1".equals(exchange.getRequestHeaders().getFirst("x-close"))) {
        exchange.getResponseHeaders().add("Connection", "close");
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  /** The certificate's URI SAN (a SPIFFE ID), or {@code none}. */
  static String spiffeId(X509Certificate c) {
    try {
      for (List<?> san : c.getSubjectAlternativeNames()) {
        if ((Integer) san.get(0) == 6) {
          return (String) san.get(1);
        }
      }
    } catch (CertificateParsingException | NullPointerException e) {
      return "none";
    }
    return "none";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
