package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.HecCollector;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.ReviewsMesh;
import io.inmesh.it.support.Scrape;
import java.nio.file.Path;
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
 * The access log's HTTP collector sink from the real agent: the child JVM posts its calls to an
 * in-test Splunk HEC stand-in ({@code access_log=http://.../services/collector/event}, the token
 * from {@code INMESH_ACCESS_LOG_TOKEN}). Tracing is on (OTLP/HTTP to the same stand-in), so each
 * event's {@code trace_id} must be the trace the backend received in its {@code traceparent}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessLogCollectorIT {

  private static final String TOKEN = "c0ffee00-1234-4321-abcd-000000000042";
  private static final Pattern TRACEPARENT =
      Pattern.compile("traceparent=00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");

  private HecCollector collector;
  private ReviewsMesh mesh;
  private LocalControlPlane controlPlane;
  private AgentJvm app;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    collector = new HecCollector();
    mesh = new ReviewsMesh();
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1", mesh.split(100, 0));
    app = AgentJvm.start(AgentJvm.meshArgs(Bootstraps.pilotAgentShaped(dir,
            controlPlane.serverUri())) + ",access_log=" + collector.eventUrl(),
        Map.of("INMESH_ACCESS_LOG_TOKEN", TOKEN,
            "OTEL_EXPORTER_OTLP_ENDPOINT", collector.base(),
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
            "OTEL_BSP_SCHEDULE_DELAY", "100"),
        HttpProbe.class.getName());
    app.await("READY", 30);
    // telemetry (and with it the access log and the spans) starts once xDS is up
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!app.stderrContains("tracing: client spans to")) {
      assertTrue(System.nanoTime() < deadline, String.join("\n", app.stderr()));
      Thread.sleep(20);
    }
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {app, controlPlane, mesh, collector}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  @Test
  void aCallIsAnHecEventWithTheSplunkTokenAndItsTrace() throws Exception {
    String answer = app.fetch("jdk", ReviewsMesh.URL + "?hec=1", "x-request-id:req-hec-1");
    assertTrue(answer.contains("status=200"), answer);
    Matcher wire = TRACEPARENT.matcher(answer);
    assertTrue(wire.find(), answer);

    HecCollector.Event got = collector.await(
        e -> "/reviews/1?hec=1".equals(e.get("path").getAsString()), 15);
    assertEquals("Splunk " + TOKEN, got.authorization());
    assertEquals("application/json", got.contentType());
    JsonObject envelope = got.envelope();
    assertEquals("inmesh", envelope.get("source").getAsString());
    assertEquals("_json", envelope.get("sourcetype").getAsString());
    assertFalse(envelope.get("host").getAsString().isBlank());
    double time = envelope.get("time").getAsDouble();
    assertTrue(Math.abs(time - System.currentTimeMillis() / 1000.0) < 120, "time " + time);

    JsonObject event = got.event();
    assertEquals("GET", event.get("method").getAsString());
    assertEquals(200, event.get("response_code").getAsInt());
    assertEquals("-", event.get("response_flags").getAsString());
    assertEquals(ReviewsMesh.V1, event.get("upstream_cluster").getAsString());
    assertTrue(event.get("upstream_host").getAsString().startsWith("127.0.0.1:"),
        event.toString());
    assertEquals(ReviewsMesh.HOST + ":" + ReviewsMesh.PORT,
        event.get("authority").getAsString());
    assertEquals("default", event.get("route_name").getAsString());
    assertEquals(wire.group(1), event.get("trace_id").getAsString());
    assertEquals("req-hec-1", event.get("request_id").getAsString());
  }

  @Test
  void everyCallArrivesOnceAndIsCountedAndTheTokenIsNeverLogged() throws Exception {
    ProbeResult calls = app.call("jdk", 20, ReviewsMesh.URL + "?batch=1");
    assertEquals(0, calls.errors(), calls.firstError());
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (batchEvents().size() < 20 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(300); // a duplicate would have arrived by now
    assertEquals(20, batchEvents().size());

    String scrape = Scrape.metrics(Scrape.metricsAddress(app));
    assertTrue(counter(scrape, "inmesh_access_log_written_total") >= 20, scrape);
    assertEquals(0, counter(scrape, "inmesh_access_log_dropped_total"), scrape);
    assertEquals(0, counter(scrape, "inmesh_access_log_failed_posts_total"), scrape);
    assertFalse(app.stderrContains(TOKEN), String.join("\n", app.stderr()));
  }

  private List<HecCollector.Event> batchEvents() {
    return collector.matching(e -> "/reviews/1?batch=1".equals(e.get("path").getAsString()));
  }

  private static double counter(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? (\\S+)").matcher(scrape);
    assertTrue(m.find(), name + " in " + scrape);
    return Double.parseDouble(m.group(1));
  }
}
