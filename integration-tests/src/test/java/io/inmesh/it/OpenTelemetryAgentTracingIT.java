package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.OtlpReceiver;
import io.inmesh.it.support.ReviewsMesh;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
 * The OpenTelemetry Java agent and Inmesh on one JVM, both told to trace to the same OTLP
 * receiver: each call must get exactly one client span (the OpenTelemetry agent's) and one
 * {@code traceparent}, the one of that span, while the mesh still routes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenTelemetryAgentTracingIT {

  private OtlpReceiver receiver;
  private ReviewsMesh mesh;
  private LocalControlPlane controlPlane;
  private AgentJvm app;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Path otelAgent = Paths.get(System.getProperty("inmesh.otel.agent.jar",
        "target/otel-agent/opentelemetry-javaagent.jar")).toAbsolutePath();
    assertTrue(Files.isRegularFile(otelAgent), "not downloaded: " + otelAgent);
    receiver = new OtlpReceiver();
    mesh = new ReviewsMesh();
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1", mesh.split(100, 0));
    app = AgentJvm.start(System.getProperty("java.home"),
        List.of("-javaagent:" + otelAgent),
        AgentJvm.meshArgs(Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri())),
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
            "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_BSP_SCHEDULE_DELAY", "100",
            "OTEL_METRICS_EXPORTER", "none", "OTEL_LOGS_EXPORTER", "none",
            "OTEL_SERVICE_NAME", "productpage"),
        AgentJvm.testClasspath(), HttpProbe.class.getName());
    app.await("READY", 60);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (app.stderr().stream().noneMatch(l -> l.contains("OpenTelemetry Java agent is"
        + " attached"))) {
      assertTrue(System.nanoTime() < deadline, String.join("\n", app.stderr()));
      Thread.sleep(20);
    }
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {app, controlPlane, mesh, receiver}) {
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
  void oneClientSpanAndOneTraceparentPerCall() throws Exception {
    app.send("fetch jdk " + ReviewsMesh.URL + "?both=1");
    String answer = app.await("FETCHED", 30);
    assertTrue(answer.contains("status=200") && answer.contains("body=v1"), answer);
    Matcher wire = Pattern.compile("traceparent=00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}\\]")
        .matcher(answer);
    assertTrue(wire.find(), "one traceparent, no second value: " + answer);
    OtlpReceiver.Received otel = receiver.await(r -> r.spanId().equals(wire.group(2)), 20);
    assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, otel.span().getKind());
    Thread.sleep(500); // two more export rounds: a second span would have arrived by now
    List<OtlpReceiver.Received> clients = receiver.spans().stream()
        .filter(r -> r.traceId().equals(wire.group(1))
            && r.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT).toList();
    assertEquals(1, clients.size(), clients.toString());
    assertTrue(receiver.spans().stream().noneMatch(r -> r.attribute("inmesh.cluster") != null),
        "no span of the mesh's own");
  }
}
