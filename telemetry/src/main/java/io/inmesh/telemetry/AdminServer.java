package io.inmesh.telemetry;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.telemetry.HttpEndpoint.Request;
import io.inmesh.telemetry.HttpEndpoint.Response;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin listener (loopback by default, like Envoy's 15000): {@code /healthz}, {@code /ready},
 * {@code /stats/prometheus}, {@code /config_dump}, {@code /routes}, {@code /clusters} and
 * {@code /explain}. Reads the runtime's state through suppliers on every request.
 */
public final class AdminServer implements AutoCloseable {

  static final int DEFAULT_ROUTE_LIMIT = 1000;
  static final int MAX_ROUTE_LIMIT = 100_000;

  private final HttpEndpoint endpoint;

  private AdminServer(HttpEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * Starts the admin server; null when the address cannot be bound (logged, not fatal).
   *
   * @param metrics scraped by {@code /stats/prometheus}, or null to leave it out
   * @param ready {@code /ready}: 200 when true, 503 otherwise
   * @param snapshot the published snapshot, read per request
   */
  public static AdminServer start(InetSocketAddress address, IstioMetrics metrics,
      BooleanSupplier ready, Supplier<MeshSnapshot> snapshot) {
    return start(address, metrics, ready, snapshot, () -> XdsStatus.NONE);
  }

  /** @param xds how the xDS stream stands, for {@code /config_dump} */
  public static AdminServer start(InetSocketAddress address, IstioMetrics metrics,
      BooleanSupplier ready, Supplier<MeshSnapshot> snapshot, Supplier<XdsStatus> xds) {
    Map<String, HttpEndpoint.Handler> routes = new LinkedHashMap<>();
    routes.put("/healthz", r -> Response.text(200, "ok\n"));
    routes.put("/ready", r -> ready.getAsBoolean() ? Response.text(200, "LIVE\n")
        : Response.text(503, "NOT READY: waiting for the first xDS response\n"));
    if (metrics != null) {
      routes.put("/stats/prometheus", MetricsServer.handler(metrics));
    }
    routes.put("/config_dump", r -> Response.json(SnapshotJson.configDump(current(snapshot),
        xds.get())));
    routes.put("/routes", r -> routes(current(snapshot), r));
    routes.put("/clusters", r -> Response.text(200, SnapshotJson.clustersText(current(snapshot))));
    routes.put("/explain", r -> explain(current(snapshot), r));
    routes.put("/", r -> Response.text(200, String.join("\n", List.of("/healthz", "/ready",
        "/stats/prometheus", "/config_dump", "/routes?offset=&limit=", "/clusters",
        "/explain?authority=&path=&method=&header=name:value&target=&seed=")) + "\n"));
    HttpEndpoint e = HttpEndpoint.start("inmesh-admin", address, routes);
    return e == null ? null : new AdminServer(e);
  }

  private static MeshSnapshot current(Supplier<MeshSnapshot> snapshot) {
    MeshSnapshot s = snapshot == null ? null : snapshot.get();
    return s == null ? MeshSnapshot.EMPTY : s;
  }

  private static Response routes(MeshSnapshot snapshot, Request r) {
    int offset = intParam(r, "offset", 0);
    int limit = Math.min(intParam(r, "limit", DEFAULT_ROUTE_LIMIT), MAX_ROUTE_LIMIT);
    List<String> lines = SnapshotJson.routeLines(snapshot);
    StringBuilder s = new StringBuilder();
    for (int i = offset; i < lines.size() && i < (long) offset + limit; i++) {
      s.append(lines.get(i)).append('\n');
    }
    return Response.text(200, s.toString());
  }

  private static Response explain(MeshSnapshot snapshot, Request r) {
    Explain.Described request = Explain.describe(r.param("authority"), r.param("path"),
        r.param("method"), r.params("header"));
    String seed = r.param("seed");
    return Response.json(Explain.explain(snapshot, r.param("target"), request,
        seed == null ? 0 : parseLong(seed, "seed")));
  }

  private static int intParam(Request r, String name, int dflt) {
    String v = r.param(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    long n = parseLong(v, name);
    if (n < 0 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be a non-negative integer");
    }
    return (int) n;
  }

  private static long parseLong(String v, String name) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer: " + v);
    }
  }

  /** The bound address (the real port when started on port 0). */
  public InetSocketAddress address() {
    return endpoint.address();
  }

  @Override
  public void close() {
    endpoint.close();
  }
}
