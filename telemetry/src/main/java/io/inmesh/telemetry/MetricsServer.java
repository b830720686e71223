package io.inmesh.telemetry;

import io.inmesh.telemetry.HttpEndpoint.Response;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The Prometheus listener, Istio's merged-metrics port 15090 by default: {@code /stats/prometheus}
 * and nothing else, so it can face the pod network while the admin server stays on loopback.
 */
public final class MetricsServer implements AutoCloseable {

  public static final String PATH = "/stats/prometheus";

  private final HttpEndpoint endpoint;

  private MetricsServer(HttpEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** Starts serving; null when the address cannot be bound (logged, not fatal). */
  public static MetricsServer start(InetSocketAddress address, IstioMetrics metrics) {
    HttpEndpoint e = HttpEndpoint.start("inmesh-metrics", address, Map.of(PATH, handler(metrics)));
    return e == null ? null : new MetricsServer(e);
  }

  static HttpEndpoint.Handler handler(IstioMetrics metrics) {
    return r -> new Response(200, IstioMetrics.contentType(), metrics.scrape());
  }

  public InetSocketAddress address() {
    return endpoint.address();
  }

  @Override
  public void close() {
    endpoint.close();
  }
}
