package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.ReviewsMesh;
import io.inmesh.it.support.Scrape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden signals a sidecar would give, from inside the process: Istio's metrics on the
 * Prometheus endpoint after known traffic, the access log, and the admin server's view of the
 * live configuration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TelemetryIT {

  private static final HttpClient SCRAPER = HttpClient.newHttpClient();

  private ReviewsMesh mesh;
  private LocalControlPlane controlPlane;
  private AgentJvm app;
  private Path accessLog;
  private String metrics;
  private String admin;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    mesh = new ReviewsMesh();
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1", withIstioWorkloads(mesh.split(100, 0)));
    accessLog = dir.resolve("access.log");
    app = AgentJvm.start(AgentJvm.meshArgs(Bootstraps.pilotAgentShaped(dir,
        controlPlane.serverUri())) + ",access_log=" + accessLog, Map.of(),
        HttpProbe.class.getName());
    app.await("READY", 30);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while ((metrics == null || admin == null) && System.nanoTime() < deadline) {
      for (String line : app.stderr()) {
        Matcher m = Pattern.compile("telemetry: metrics /?([0-9.]+:[0-9]+), admin /?([0-9.]+:[0-9]+)")
            .matcher(line);
        if (m.find()) {
          metrics = m.group(1);
          admin = m.group(2);
        }
      }
      Thread.sleep(50);
    }
    assertTrue(metrics != null && admin != null, String.join("\n", app.stderr()));
  }

  @AfterAll
  void stop() {
    app.close();
    controlPlane.close();
    mesh.close();
  }

  /**
   * Every endpoint with the {@code istio} filter metadata istiod writes into EDS for a Kubernetes
   * pod of the reviews service: {@code name;namespace;canonical-service;revision;cluster}.
   */
  private static XdsResources withIstioWorkloads(XdsResources resources) {
    Metadata istio = Metadata.newBuilder().putFilterMetadata("istio", Struct.newBuilder()
        .putFields("workload", Value.newBuilder()
            .setStringValue("reviews-v1;default;reviews;v1;Kubernetes").build())
        .build()).build();
    List<ClusterLoadAssignment> endpoints = resources.endpoints().stream().map(cla -> {
      ClusterLoadAssignment.Builder b = cla.toBuilder();
      b.getEndpointsBuilderList().forEach(locality -> locality.getLbEndpointsBuilderList()
          .forEach(lb -> lb.setMetadata(istio)));
      return b.build();
    }).toList();
    return new XdsResources(resources.listeners(), resources.routes(), resources.clusters(),
        endpoints);
  }

  private static String get(String address, String path) throws Exception {
    HttpResponse<String> r = SCRAPER.send(HttpRequest.newBuilder(
        URI.create("http://" + address + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return r.body();
  }

  @Test
  void istioRequestMetricsCountTheCallsWithTheirLabels() throws Exception {
    int before = Scrape.requests(get(metrics, "/stats/prometheus"), "200");
    ProbeResult ok = app.call("jdk", 7, ReviewsMesh.URL);
    ProbeResult viaUrlConnection = app.call("urlconnection", 3, ReviewsMesh.URL);
    assertEquals(0, ok.errors() + viaUrlConnection.errors(), ok.firstError());
    String scrape = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      scrape = get(metrics, "/stats/prometheus");
      if (Scrape.requests(scrape, "200") >= before + 10) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(before + 10, Scrape.requests(scrape, "200"), scrape);
    String line = requestsLine(scrape, "200");
    assertTrue(line.contains("reporter=\"source\""), line);
    assertTrue(line.contains("destination_service=\"reviews.default.svc.cluster.local\""), line);
    assertTrue(line.contains("destination_service_name=\"reviews\""), line);
    assertTrue(line.contains("destination_service_namespace=\"default\""), line);
    assertTrue(line.contains("destination_version=\"v1\""), line);
    // from the endpoints' istio metadata
    assertTrue(line.contains("destination_workload=\"reviews-v1\""), line);
    assertTrue(line.contains("destination_workload_namespace=\"default\""), line);
    assertTrue(line.contains("destination_canonical_service=\"reviews\""), line);
    assertTrue(line.contains("destination_canonical_revision=\"v1\""), line);
    assertTrue(line.contains("destination_cluster=\"Kubernetes\""), line);
    assertTrue(line.contains("source_workload=\"productpage-v1\""), line);
    assertTrue(line.contains("source_canonical_service=\"productpage\""), line);
    assertTrue(line.contains("request_protocol=\"http\""), line);
    assertTrue(scrape.contains("istio_request_duration_milliseconds_bucket"), scrape);
  }

  @Test
  void theAgentsOwnHealthIsInTheScrape() throws Exception {
    app.call("jdk", 1, ReviewsMesh.URL);
    // a collection in the application's JVM must not take the gauges' sources away
    app.send("gc");
    app.await("GC", 10);
    String scrape = get(metrics, "/stats/prometheus");
    assertTrue(scrape.contains("inmesh_xds_connected 1.0"), scrape);
    assertTrue(Pattern.compile("inmesh_xds_resources\\{type=\"listener\"} [1-9]")
        .matcher(scrape).find(), scrape);
    assertTrue(!scrape.contains("NaN"), scrape);
  }

  @Test
  void accessLogHasOneEnvoyShapedLinePerCall() throws Exception {
    app.call("jdk", 4, ReviewsMesh.URL + "?log=1");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    List<String> lines = List.of();
    while (System.nanoTime() < deadline) {
      lines = Files.exists(accessLog) ? Files.readAllLines(accessLog).stream()
          .filter(l -> l.contains("/reviews/1?log=1")).toList() : List.of();
      if (lines.size() >= 4) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(4, lines.size(), String.join("\n", lines));
    String first = lines.get(0);
    for (String field : List.of("\"start_time\"", "\"method\":\"GET\"", "\"response_code\":200",
        "\"upstream_cluster\":\"outbound|9080|v1|reviews.default.svc.cluster.local\"",
        "\"authority\"", "\"duration\"", "\"upstream_host\":\"127.0.0.1:")) {
      assertTrue(first.contains(field), field + " in " + first);
    }
  }

  @Test
  void adminServerExplainsAndDumpsTheLiveConfiguration() throws Exception {
    app.call("jdk", 1, ReviewsMesh.URL);
    assertTrue(get(admin, "/ready").length() >= 0);
    String dump = get(admin, "/config_dump");
    assertTrue(dump.contains("reviews.default.svc.cluster.local:9080"), dump);
    String explain = get(admin, "/explain?target=reviews.default.svc.cluster.local:9080"
        + "&authority=reviews.default.svc.cluster.local:9080&path=/reviews/1&header=end-user:jason");
    assertTrue(explain.contains("outbound|9080|v2|reviews.default.svc.cluster.local"), explain);
    assertTrue(get(admin, "/clusters").contains("outbound|9080|v1|reviews.default.svc.cluster.local"));
  }

  private static String requestsLine(String scrape, String code) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith("istio_requests_total{") && line.contains("response_code=\"" + code + "\"")) {
        return line;
      }
    }
    return "";
  }
}
