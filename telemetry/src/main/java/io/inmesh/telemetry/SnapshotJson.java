package io.inmesh.telemetry;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.listener.FilterChain;
import io.inmesh.policies.listener.OutboundListener;
import io.inmesh.policies.cluster.CircuitBreaker;
import io.inmesh.policies.cluster.CircuitBreakers;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.route.ClusterSpecifier;
import io.inmesh.policies.route.PathMatcher;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteAction;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.VirtualHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the policies model for the admin endpoints: the whole snapshot as JSON
 * ({@code /config_dump}), one line per route ({@code /routes}) and Envoy's {@code /clusters} text.
 * Targets and clusters are sorted so two dumps of the same snapshot compare equal.
 */
final class SnapshotJson {

  private SnapshotJson() {}

  /** The live configuration, with when it was last updated and the last NACK's reason. */
  static String configDump(MeshSnapshot snapshot, XdsStatus xds) {
    Json j = new Json(new StringBuilder(4096));
    j.beginObject().field("version", snapshot.version())
        .optional("last_updated", instant(xds.lastUpdateMillis()));
    j.name("last_nack").beginObject().optional("error_detail", xds.lastNack())
        .optional("at", instant(xds.lastNackMillis())).endObject();
    j.name("route_configs").beginArray();
    for (Map.Entry<String, RouteTable> e : new TreeMap<>(snapshot.routesByTarget()).entrySet()) {
      routeConfig(j, e.getKey(), e.getValue());
    }
    // sidecar shape: each HTTP chain's route table once (by identity), named by its listener
    java.util.Set<RouteTable> seen = java.util.Collections.newSetFromMap(
        new java.util.IdentityHashMap<>());
    for (OutboundListener l : outboundListeners(snapshot)) {
      for (FilterChain c : chains(l)) {
        if (c.routes() != null && seen.add(c.routes())) {
          routeConfig(j, null, c.routes());
        }
      }
    }
    j.endArray();
    j.name("listeners").beginArray();
    for (OutboundListener l : outboundListeners(snapshot)) {
      j.beginObject().field("name", l.name()).field("port", l.port())
          .field("virtual_outbound", l == snapshot.listeners().virtualOutbound())
          .name("filter_chains").beginArray();
      for (FilterChain c : chains(l)) {
        j.beginObject().field("name", c.name()).field("kind", c.http() ? "http" : "tcp")
            .optional("route_config", c.routes() == null ? null : c.routes().name())
            .optional("clusters", c.tcpProxy() == null ? null
                : String.join(",", c.tcpProxy().clusterNames()))
            .field("connection_limit", c.connectionLimit() != null)
            .field("default", c == l.defaultChain())
            .endObject();
      }
      j.endArray().endObject();
    }
    j.endArray();
    j.field("name_table_entries", snapshot.listeners().names().size());
    j.name("passthrough_clusters").beginArray();
    new java.util.TreeSet<>(snapshot.listeners().passthroughClusters()).forEach(j::value);
    j.endArray();
    j.name("clusters").beginArray();
    for (Map.Entry<String, ClusterState> e : new TreeMap<>(snapshot.clusters()).entrySet()) {
      ClusterState c = e.getValue();
      CircuitBreaker breaker = c.circuitBreaker();
      CircuitBreakers limits = breaker.thresholds();
      j.beginObject().field("name", e.getKey())
          .field("eds_service_name", c.cluster().edsServiceName())
          .field("lb_policy", c.cluster().lbPolicy().name())
          .name("circuit_breakers").beginObject()
          .field("max_requests", limits.maxRequests())
          .field("max_pending_requests", limits.maxPendingRequests())
          .field("max_connections", limits.maxConnections())
          .field("max_retries", limits.maxRetries())
          .field("requests_active", breaker.activeRequests())
          .field("retries_active", breaker.activeRetries())
          .field("request_overflows", breaker.requestOverflows())
          .field("retry_overflows", breaker.retryOverflows())
          .endObject()
          .field("ejected_endpoints", c.outlierDetector().ejectedHosts())
          .name("endpoints").beginArray();
      for (Host h : c.loadBalancer().hosts()) {
        host(j, h);
      }
      j.endArray().endObject();
    }
    j.endArray().endObject();
    return j.toString();
  }

  private static void routeConfig(Json j, String target, RouteTable t) {
    j.beginObject().optional("target", target).field("name", t.name())
        .field("ignore_port_in_host_matching", t.ignorePortInHostMatching())
        .optional("session_affinity", t.sessionAffinity());
    j.name("virtual_hosts").beginArray();
    for (VirtualHost vh : t.virtualHosts()) {
      j.beginObject().field("name", vh.name()).name("domains").beginArray();
      vh.domains().forEach(j::value);
      j.endArray().field("require_tls", vh.requireTls()).name("routes").beginArray();
      for (Route r : vh.routes()) {
        route(j, r);
      }
      j.endArray().endObject();
    }
    j.endArray().endObject();
  }

  /** The sidecar shape's outbound listeners, {@code virtualOutbound} last; empty if proxyless. */
  static java.util.List<OutboundListener> outboundListeners(MeshSnapshot snapshot) {
    java.util.List<OutboundListener> all = new java.util.ArrayList<>(
        snapshot.listeners().listeners());
    if (snapshot.listeners().virtualOutbound() != null) {
      all.add(snapshot.listeners().virtualOutbound());
    }
    return all;
  }

  /** A listener's filter chains, its default chain last. */
  static java.util.List<FilterChain> chains(OutboundListener l) {
    java.util.List<FilterChain> all = new java.util.ArrayList<>(l.chains());
    if (l.defaultChain() != null) {
      all.add(l.defaultChain());
    }
    return all;
  }

  private static String instant(long epochMillis) {
    return epochMillis == 0 ? null : java.time.Instant.ofEpochMilli(epochMillis).toString();
  }

  static void host(Json j, Host h) {
    j.beginObject().field("address", h.endpoint().address())
        .field("weight", h.endpoint().weight())
        .field("health", h.endpoint().health().name())
        .field("hostname", h.endpoint().hostname())
        .field("locality", h.locality())
        .field("priority", h.priority())
        .field("active_requests", h.activeRequests().count())
        .field("ejected", h.ejected())
        .endObject();
  }

  static void route(Json j, Route r) {
    j.beginObject().field("name", r.name());
    j.name("match").beginObject().field("path", path(r.match().path()));
    j.name("headers").beginArray();
    r.match().headers().forEach(h -> j.value(String.valueOf(h)));
    j.endArray().name("query_parameters").beginArray();
    r.match().queryParameters().forEach(q -> j.value(String.valueOf(q)));
    j.endArray().field("runtime_fraction_per_million", r.match().runtimeFractionPerMillion())
        .endObject();
    j.name("action");
    action(j, r.action());
    j.field("request_headers", String.valueOf(r.requestHeaders()))
        .field("response_headers", String.valueOf(r.responseHeaders()))
        .endObject();
  }

  static void action(Json j, RouteAction action) {
    j.beginObject();
    if (action instanceof RouteAction.Forward f) {
      j.field("type", "route").field("clusters", clusters(f.clusters()))
          .field("timeout", duration(f.timeout()))
          .field("max_stream_duration", duration(f.maxStreamDuration()))
          .optional("path_rewrite", f.pathRewrite())
          .optional("host_rewrite", f.hostRewrite());
      j.name("hash_policies").beginArray();
      f.hashPolicies().forEach(h -> j.value(String.valueOf(h)));
      j.endArray().name("mirrors").beginArray();
      f.mirrors().forEach(m -> j.value(m.cluster() + " " + m.fractionPerMillion() + "ppm"));
      j.endArray().field("cluster_not_found_response_code", f.clusterNotFoundStatus());
    } else if (action instanceof RouteAction.Redirect r) {
      j.field("type", "redirect").field("status", r.status()).optional("scheme", r.scheme())
          .optional("host", r.host()).field("port", r.port()).optional("path", r.path())
          .optional("path_rewrite", r.pathRewrite()).field("strip_query", r.stripQuery());
    } else if (action instanceof RouteAction.DirectResponse d) {
      j.field("type", "direct_response").field("status", d.status()).field("body", d.body());
    }
    j.endObject();
  }

  /** {@code prefix /api}, {@code exact /x}, {@code regex ^/v[0-9]+}, {@code path_separated_prefix /a}. */
  static String path(PathMatcher m) {
    if (m instanceof PathMatcher.Prefix p) {
      return "prefix " + p.prefix() + (p.caseSensitive() ? "" : " (ignore case)");
    }
    if (m instanceof PathMatcher.Exact e) {
      return "exact " + e.path() + (e.caseSensitive() ? "" : " (ignore case)");
    }
    if (m instanceof PathMatcher.Regex r) {
      return "regex " + r.pattern();
    }
    if (m instanceof PathMatcher.PathSeparatedPrefix p) {
      return "path_separated_prefix " + p.prefix() + (p.caseSensitive() ? "" : " (ignore case)");
    }
    return String.valueOf(m);
  }

  static String clusters(ClusterSpecifier spec) {
    if (spec instanceof ClusterSpecifier.ToCluster c) {
      return c.cluster();
    }
    if (spec instanceof ClusterSpecifier.ClusterHeader h) {
      return "header " + h.header();
    }
    if (spec instanceof ClusterSpecifier.WeightedClusters w) {
      StringBuilder s = new StringBuilder();
      for (ClusterSpecifier.WeightedCluster c : w.clusters()) {
        s.append(s.length() == 0 ? "" : ", ").append(c.name()).append('=').append(c.weight());
      }
      return s.toString();
    }
    return String.valueOf(spec);
  }

  static String duration(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  /** One line per route: target, route configuration, virtual host, route, match and action. */
  static List<String> routeLines(MeshSnapshot snapshot) {
    List<String> lines = new java.util.ArrayList<>();
    for (Map.Entry<String, RouteTable> e : new TreeMap<>(snapshot.routesByTarget()).entrySet()) {
      for (VirtualHost vh : e.getValue().virtualHosts()) {
        for (Route r : vh.routes()) {
          lines.add(e.getKey() + "\t" + e.getValue().name() + "\t" + vh.name() + "\t"
              + (r.name().isEmpty() ? "-" : r.name()) + "\t" + path(r.match().path())
              + (r.match().headers().isEmpty() ? "" : " headers=" + r.match().headers())
              + "\t" + actionSummary(r.action()));
        }
      }
    }
    return lines;
  }

  static String actionSummary(RouteAction action) {
    if (action instanceof RouteAction.Forward f) {
      return "route " + clusters(f.clusters());
    }
    if (action instanceof RouteAction.Redirect r) {
      return "redirect " + r.status();
    }
    if (action instanceof RouteAction.DirectResponse d) {
      return "direct_response " + d.status();
    }
    return String.valueOf(action);
  }

  /** Envoy's {@code /clusters} text: {@code cluster::address::stat::value}, one stat a line. */
  static String clustersText(MeshSnapshot snapshot) {
    StringBuilder s = new StringBuilder(1024);
    for (Map.Entry<String, ClusterState> e : new TreeMap<>(snapshot.clusters()).entrySet()) {
      String c = e.getKey();
      s.append(c).append("::lb_policy::").append(e.getValue().cluster().lbPolicy()).append('\n');
      // Envoy's lines for the DEFAULT priority's thresholds, and what this process holds now
      CircuitBreaker breaker = e.getValue().circuitBreaker();
      CircuitBreakers limits = breaker.thresholds();
      String d = c + "::default_priority::";
      s.append(d).append("max_connections::").append(limits.maxConnections()).append('\n');
      s.append(d).append("max_pending_requests::").append(limits.maxPendingRequests())
          .append('\n');
      s.append(d).append("max_requests::").append(limits.maxRequests()).append('\n');
      s.append(d).append("max_retries::").append(limits.maxRetries()).append('\n');
      s.append(c).append("::rq_active::").append(breaker.activeRequests()).append('\n');
      s.append(c).append("::upstream_rq_pending_overflow::").append(breaker.requestOverflows())
          .append('\n');
      s.append(c).append("::upstream_rq_retry_overflow::").append(breaker.retryOverflows())
          .append('\n');
      for (Host h : e.getValue().loadBalancer().hosts()) {
        String p = c + "::" + h.endpoint().address() + "::";
        s.append(p).append("health_flags::")
            .append(h.endpoint().health().name().toLowerCase(java.util.Locale.ROOT))
            .append(h.ejected() ? "/failed_outlier_check" : "").append('\n');
        s.append(p).append("weight::").append(h.endpoint().weight()).append('\n');
        s.append(p).append("rq_active::").append(h.activeRequests().count()).append('\n');
        s.append(p).append("priority::").append(h.priority()).append('\n');
        s.append(p).append("locality::").append(h.locality()).append('\n');
        if (h.endpoint().hostname() != null) {
          s.append(p).append("hostname::").append(h.endpoint().hostname()).append('\n');
        }
      }
    }
    return s.toString();
  }
}
