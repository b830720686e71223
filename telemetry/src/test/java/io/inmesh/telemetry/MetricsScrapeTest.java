package io.inmesh.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MetricsScrapeTest {

  private static final SourceWorkload SOURCE = new SourceWorkload("productpage-v1", "default",
      null, "productpage", "v1", "productpage", "v1", "Kubernetes");

  @Test
  void scrapeOverHttpHasIstioNamesLabelsAndBuckets() throws Exception {
    IstioMetrics metrics = new IstioMetrics(SOURCE, EndpointMetadata.NONE);
    metrics.bindHealth(AgentHealth.NONE);
    metrics.onCall(Calls.ok(Calls.REVIEWS_V1, 200, 3, 10, 700));
    metrics.onCall(Calls.ok(Calls.REVIEWS_V1, 200, 40, 0, 3000));
    metrics.onCall(Calls.ok(Calls.REVIEWS_V1, 503, 7, -1, -1));
    try (MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0),
        metrics)) {
      assertNotNull(server);
      Http r = Http.get(server.address(), "/stats/prometheus");
      assertEquals(200, r.status());
      assertTrue(r.contentType().startsWith("text/plain; version=0.0.4"), r.contentType());
      String text = r.body();
      String ok = labels(200);
      assertLine(text, "istio_requests_total{" + ok + "} 2.0");
      assertLine(text, "istio_requests_total{" + labels(503) + "} 1.0");
      assertLine(text, "# TYPE istio_requests_total counter");
      assertLine(text, "# TYPE istio_request_duration_milliseconds histogram");
      assertLine(text, "# TYPE istio_request_bytes histogram");
      assertLine(text, "# TYPE istio_response_bytes histogram");
      // 3 ms and 40 ms: cumulative buckets at Istio's (Envoy's) default boundaries.
      String[] bounds = {"0.5", "1.0", "5.0", "10.0", "25.0", "50.0", "100.0", "250.0", "500.0",
          "1000.0", "2500.0", "5000.0", "10000.0", "30000.0", "60000.0", "300000.0", "600000.0",
          "1800000.0", "3600000.0", "+Inf"};
      int[] durationCounts = {0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
      int[] responseCounts = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2};
      for (int i = 0; i < bounds.length; i++) {
        assertLine(text, "istio_request_duration_milliseconds_bucket{" + ok + ",le=\""
            + bounds[i] + "\"} " + durationCounts[i]);
        assertLine(text, "istio_response_bytes_bucket{" + ok + ",le=\"" + bounds[i] + "\"} "
            + responseCounts[i]);
      }
      assertEquals(20, text.lines()
          .filter(l -> l.startsWith("istio_request_bytes_bucket{" + ok + ",le=")).count());
      assertLine(text, "istio_request_duration_milliseconds_count{" + ok + "} 2");
      assertLine(text, "istio_request_duration_milliseconds_sum{" + ok + "} 43.0");
      assertLine(text, "istio_response_bytes_sum{" + ok + "} 3700.0");
      assertLine(text, "istio_request_bytes_sum{" + ok + "} 10.0");
      // Only Istio's names: no Micrometer _max gauges, no doubled or unit suffixes.
      assertFalse(text.contains("_max"), text);
      assertFalse(text.contains("_total_total"), text);
      assertFalse(text.contains("milliseconds_milliseconds"), text);
      for (String line : text.lines().filter(l -> !l.startsWith("#")).toList()) {
        String name = line.substring(0, line.indexOf(line.contains("{") ? '{' : ' '));
        assertTrue(name.startsWith("istio_") || name.startsWith("inmesh_"), name);
      }
      assertLine(text, "inmesh_xds_connected 0.0");
      assertLine(text, "inmesh_metrics_dropped_total 0.0");
      assertLine(text, "inmesh_xds_resources{type=\"cluster\"} 0.0");
      assertEquals(404, Http.get(server.address(), "/config_dump").status());
    }
  }

  /** Every label of a reviews v1 call from productpage, sorted as the exposition sorts them. */
  static String labels(int code) {
    Map<String, String> l = new TreeMap<>();
    l.put("reporter", "source");
    l.put("source_workload", "productpage-v1");
    l.put("source_workload_namespace", "default");
    l.put("source_principal", "unknown");
    l.put("source_app", "productpage");
    l.put("source_version", "v1");
    l.put("source_canonical_service", "productpage");
    l.put("source_canonical_revision", "v1");
    l.put("source_cluster", "Kubernetes");
    l.put("destination_service", "reviews.default.svc.cluster.local");
    l.put("destination_service_name", "reviews");
    l.put("destination_service_namespace", "default");
    l.put("destination_workload", "unknown");
    l.put("destination_workload_namespace", "unknown");
    l.put("destination_principal", "unknown");
    l.put("destination_app", "unknown");
    l.put("destination_version", "v1");
    l.put("destination_canonical_service", "unknown");
    l.put("destination_canonical_revision", "unknown");
    l.put("destination_cluster", "unknown");
    l.put("request_protocol", "http");
    l.put("response_code", Integer.toString(code));
    l.put("grpc_response_status", "");
    l.put("response_flags", "-");
    l.put("connection_security_policy", "unknown");
    List<String> parts = new ArrayList<>();
    l.forEach((k, v) -> parts.add(k + "=\"" + v + "\""));
    return String.join(",", parts);
  }

  static void assertLine(String text, String line) {
    assertTrue(text.lines().anyMatch(line::equals), () -> "missing line\n  " + line
        + "\nin\n" + text);
  }

  @Test
  void mutualTlsCallsSayMutualTlsAndTheServersIdentity() {
    IstioMetrics metrics = new IstioMetrics(SOURCE, EndpointMetadata.NONE);
    CallRecord plain = Calls.ok(Calls.REVIEWS_V1, 200, 1, 1, 1);
    metrics.onCall(plain);
    String reviews = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
    metrics.onCall(new CallRecord(plain.protocol(), plain.method(), plain.authority(),
        plain.path(), plain.target(), plain.routeName(), plain.cluster(), plain.upstreamHost(),
        200, "-", null, plain.startEpochMillis(), plain.durationNanos(), 1, 1, reviews));
    List<String> lines = metrics.scrape().lines()
        .filter(l -> l.startsWith("istio_requests_total{")).toList();
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("connection_security_policy=\"mutual_tls\"")
        && l.contains("destination_principal=\"" + reviews + "\"")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("connection_security_policy=\"unknown\"")
        && l.contains("destination_principal=\"unknown\"")), lines.toString());
  }

  @Test
  void endpointWorkloadFillsDestinationLabels() {
    IstioMetrics metrics = new IstioMetrics(SOURCE,
        (cluster, host) -> DestinationWorkload.parse("reviews-v2;default;reviews;;Kubernetes"));
    metrics.onCall(Calls.ok("outbound|9080||reviews.default.svc.cluster.local", 200, 1, 1, 1));
    String text = metrics.scrape();
    String line = text.lines().filter(l -> l.startsWith("istio_requests_total{")).findFirst()
        .orElseThrow();
    for (String label : List.of("destination_workload=\"reviews-v2\"",
        "destination_workload_namespace=\"default\"", "destination_app=\"reviews\"",
        "destination_version=\"latest\"", "destination_canonical_service=\"reviews\"",
        "destination_canonical_revision=\"latest\"", "destination_cluster=\"Kubernetes\"",
        "destination_service_name=\"reviews\"")) {
      assertTrue(line.contains(label), label + " in " + line);
    }
  }

  @Test
  void tcpMetricsHaveIstioNames() {
    IstioMetrics metrics = new IstioMetrics(SOURCE, EndpointMetadata.NONE);
    metrics.tcpOpened("outbound|6379||redis.cache.svc.cluster.local", "127.96.0.9:6379");
    metrics.tcpBytes("outbound|6379||redis.cache.svc.cluster.local", "127.96.0.9:6379", 100, 2000);
    metrics.tcpClosed("outbound|6379||redis.cache.svc.cluster.local", "127.96.0.9:6379", "-");
    String text = metrics.scrape();
    for (String name : List.of("istio_tcp_sent_bytes_total", "istio_tcp_received_bytes_total",
        "istio_tcp_connections_opened_total", "istio_tcp_connections_closed_total")) {
      assertLine(text, "# TYPE " + name + " counter");
    }
    assertTrue(text.lines().anyMatch(l -> l.startsWith("istio_tcp_received_bytes_total{")
        && l.contains("destination_service_namespace=\"cache\"")
        && l.contains("request_protocol=\"tcp\"") && l.endsWith(" 2000.0")), text);
  }

  @Test
  void localRepliesAreCountedByFlagAndDestinationFromTarget() {
    IstioMetrics metrics = new IstioMetrics(SOURCE, EndpointMetadata.NONE);
    metrics.onCall(Calls.local("ratings.default.svc.cluster.local:9080", 404, "NR"));
    metrics.onCall(Calls.local("ratings.default.svc.cluster.local:9080", 404, "NR"));
    String text = metrics.scrape();
    assertLine(text, "inmesh_local_replies_total{response_flags=\"NR\"} 2.0");
    assertTrue(text.lines().anyMatch(l -> l.startsWith("istio_requests_total{")
        && l.contains("destination_service=\"ratings.default.svc.cluster.local\"")
        && l.contains("destination_service_name=\"ratings\"")
        && l.contains("response_flags=\"NR\"") && l.contains("response_code=\"404\"")), text);
  }

  @Test
  void seriesAreCappedAndDropsCounted() {
    IstioMetrics metrics = new IstioMetrics(SOURCE, EndpointMetadata.NONE, 5);
    for (int i = 0; i < 20; i++) {
      metrics.onCall(Calls.ok("outbound|80||svc" + i + ".ns.svc.cluster.local", 200, 1, 1, 1));
    }
    // A series that already exists still records past the cap.
    metrics.onCall(Calls.ok("outbound|80||svc0.ns.svc.cluster.local", 200, 1, 1, 1));
    assertEquals(5, metrics.seriesCount());
    assertEquals(15, metrics.droppedCount());
    String text = metrics.scrape();
    assertEquals(5, text.lines().filter(l -> l.startsWith("istio_requests_total{")).count());
    assertLine(text, "inmesh_metrics_dropped_total 15.0");
    assertTrue(text.lines().anyMatch(l -> l.startsWith("istio_requests_total{")
        && l.contains("svc0.ns") && l.endsWith(" 2.0")));
    // No path or query in any label.
    assertFalse(text.contains("/reviews/1"));
    assertFalse(text.contains("alice"));
  }

  @Test
  void healthGaugesReadTheRuntime() {
    IstioMetrics metrics = new IstioMetrics(SOURCE, EndpointMetadata.NONE);
    long[] nacks = {3};
    metrics.bindHealth(new AgentHealth(() -> true, () -> true, () -> 42, () -> nacks[0],
        () -> Map.of("cluster", 7, "endpoint", 12)));
    String text = metrics.scrape();
    assertLine(text, "inmesh_xds_connected 1.0");
    assertLine(text, "inmesh_xds_config_version 42.0");
    assertLine(text, "inmesh_xds_nacks_total 3.0");
    assertLine(text, "inmesh_xds_resources{type=\"cluster\"} 7.0");
    assertLine(text, "inmesh_xds_resources{type=\"endpoint\"} 12.0");
    assertLine(text, "inmesh_xds_resources{type=\"listener\"} 0.0");
    nacks[0] = 4;
    assertLine(metrics.scrape(), "inmesh_xds_nacks_total 4.0");
  }
}
