package io.inmesh.telemetry;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.RandomSource;
import io.inmesh.policies.RequestView;
import io.inmesh.policies.Router;
import io.inmesh.policies.Routing;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.VirtualHost;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /explain}: routes a described request through the live snapshot exactly as a call would
 * be routed, with a fixed seed so weighted choices are repeatable, and says which listener,
 * virtual host, route, cluster, endpoint and policies it gets. Nothing is counted or sent.
 */
final class Explain {

  private Explain() {}

  /** A request built from the query: authority, path, method and {@code header=k:v} entries. */
  record Described(String authority, String path, String method, Map<String, String> headers)
      implements RequestView {

    @Override
    public String header(String lowerCaseName) {
      return headers.get(lowerCaseName);
    }
  }

  static Described describe(String authority, String path, String method, List<String> headers) {
    if (authority == null || authority.isEmpty()) {
      throw new IllegalArgumentException("explain needs authority=host:port");
    }
    Map<String, String> h = new HashMap<>();
    for (String kv : headers) {
      int colon = kv.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("header must be name:value, got " + kv);
      }
      // Envoy joins repeated headers with ',' for matching.
      h.merge(kv.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          kv.substring(colon + 1).trim(), (a, b) -> a + "," + b);
    }
    h.putIfAbsent(":authority", authority);
    String m = method == null || method.isEmpty() ? "GET" : method.toUpperCase(Locale.ROOT);
    h.putIfAbsent(":method", m);
    String p = path == null || path.isEmpty() ? "/" : path;
    h.putIfAbsent(":path", p);
    return new Described(authority, p, m, h);
  }

  /**
   * @param target the listener to use ({@code host:port}); null = the authority, then the
   *     authority with port 80
   * @param seed the random seed for weighted clusters, fractions and balancers
   */
  /**
   * The route table of {@code host:port}, whichever shape the mesh came in: the target's own
   * (proxyless), else the HTTP chain of the listener it resolves to (sidecar).
   */
  private static RouteTable routes(MeshSnapshot snapshot, String target) {
    int colon = target.lastIndexOf(':');
    int port = 80;
    String host = target;
    if (colon > 0 && target.indexOf(']') < colon) {
      try {
        port = Integer.parseInt(target.substring(colon + 1));
        host = target.substring(0, colon);
      } catch (NumberFormatException e) {
        return snapshot.routesByTarget().get(target);
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return snapshot.httpRoutes(target, host, port);
  }

  static String explain(MeshSnapshot snapshot, String target, Described request, long seed) {
    String t = target;
    RouteTable table = null;
    if (t != null) {
      table = routes(snapshot, t);
    } else {
      t = request.authority();
      table = routes(snapshot, t);
      if (table == null && t.indexOf(':') < 0) {
        table = routes(snapshot, t + ":80");
        t = table != null ? t + ":80" : t;
      }
    }
    Json j = new Json(new StringBuilder(1024));
    j.beginObject().field("snapshot_version", snapshot.version())
        .name("request").beginObject().field("authority", request.authority())
        .field("path", request.path()).field("method", request.method()).endObject()
        .field("target", t);
    if (table == null) {
      return j.field("result", "PASSTHROUGH")
          .field("detail", "no listener for this target: the call is not meshed").endObject()
          .toString();
    }
    j.field("route_config", table.name());
    VirtualHost vh = table.select(request.authority());
    j.field("virtual_host", vh == null ? null : vh.name());
    Routing routing = Router.route(snapshot, table, request, RandomSource.seeded(seed));
    j.field("result", routing.result().name())
        .field("response_flags", routing.result().responseFlag())
        .field("route", routing.route());
    if (vh != null && routing.route() != null) {
      for (Route r : vh.routes()) {
        if (r.name().equals(routing.route()) && r.match().matches(request,
            RandomSource.seeded(seed))) {
          j.name("route_detail");
          SnapshotJson.route(j, r);
          break;
        }
      }
    }
    j.field("cluster", routing.cluster());
    ClusterState cluster = routing.cluster() == null ? null
        : snapshot.clusters().get(routing.cluster());
    if (cluster != null) {
      j.name("cluster_detail").beginObject().field("lb_policy", cluster.cluster().lbPolicy().name())
          .field("endpoints", cluster.endpoints().size())
          .field("healthy_endpoints", cluster.loadBalancer().hosts().stream()
              .filter(h -> h.healthy()).count())
          .endObject();
    }
    j.field("endpoint", routing.endpoint() == null ? null : routing.endpoint().address());
    if (routing.result() != Routing.Result.ROUTED) {
      j.field("status", routing.httpStatus());
    }
    j.name("policies").beginObject()
        .field("timeout", SnapshotJson.duration(routing.timeout()))
        .field("max_stream_duration", SnapshotJson.duration(routing.maxStreamDuration()))
        .field("path_rewritten_to", routing.pathAndQuery())
        .field("authority_rewritten_to", routing.authority())
        .field("request_headers", String.valueOf(routing.requestHeaders()))
        .field("response_headers", String.valueOf(routing.responseHeaders()))
        .field("session_affinity", table.sessionAffinity() == null ? null
            : String.valueOf(table.sessionAffinity()));
    j.name("mirrors").beginArray();
    for (Routing.Mirror m : routing.mirrors()) {
      j.beginObject().field("cluster", m.cluster()).field("sampled", m.sampled())
          .field("endpoint", m.endpoint() == null ? null : m.endpoint().address()).endObject();
    }
    j.endArray().endObject();
    if (routing.localReply() != null) {
      j.name("local_reply").beginObject().field("status", routing.localReply().status())
          .field("body", routing.localReply().body())
          .field("headers", String.valueOf(routing.localReply().headers())).endObject();
    }
    return j.endObject().toString();
  }
}
