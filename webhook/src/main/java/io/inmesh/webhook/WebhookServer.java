package io.inmesh.webhook;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** The HTTPS server: {@code /inject}, {@code /inject/opt-in} and {@code /healthz}; TLS only. */
public final class WebhookServer implements AutoCloseable {
  private final HttpsServer server;
  private final ExecutorService workers;
  private final ScheduledExecutorService reloader;
  private final ReloadingKeyManager keys;

  private WebhookServer(HttpsServer server, ExecutorService workers, ScheduledExecutorService reloader,
      ReloadingKeyManager keys) {
    this.server = server;
    this.workers = workers;
    this.reloader = reloader;
    this.keys = keys;
  }

  public static WebhookServer start(InetSocketAddress address, Path tlsCert, Path tlsKey,
      Duration tlsReloadInterval, InjectionConfig injection) throws IOException, GeneralSecurityException {
    ReloadingKeyManager keys = new ReloadingKeyManager(tlsCert, tlsKey);
    SSLContext tls = keys.serverContext();
    HttpsServer server = HttpsServer.create(address, 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = tls.getDefaultSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        params.setSSLParameters(p);
      }
    });
    server.createContext(InjectEndpoint.PATH, new InjectEndpoint(new PodInjector(injection)));
    server.createContext("/healthz", exchange -> {
      try (exchange) {
        byte[] ok = "ok\n".getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, ok.length);
        exchange.getResponseBody().write(ok);
      }
    });
    server.createContext("/", exchange -> {
      try (exchange) {
        InjectEndpoint.send(exchange, 404, AdmissionReview.error("", 404,
            "no endpoint " + exchange.getRequestURI().getPath()));
      }
    });
    ExecutorService workers = Executors.newFixedThreadPool(4, daemon("inmesh-webhook"));
    server.setExecutor(workers);
    ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(daemon("inmesh-tls-reload"));
    long period = tlsReloadInterval.toMillis();
    reloader.scheduleWithFixedDelay(keys::reloadIfChanged, period, period, TimeUnit.MILLISECONDS);
    server.start();
    return new WebhookServer(server, workers, reloader, keys);
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Checks the certificate files now instead of at the next interval. */
  boolean reloadTlsNow() {
    return keys.reloadIfChanged();
  }

  @Override
  public void close() {
    reloader.shutdownNow();
    server.stop(1);
    workers.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
