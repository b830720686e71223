package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ClientApps;
import io.inmesh.it.support.OtlpReceiver;
import io.inmesh.it.support.ReviewsMesh;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client spans from the real agent: two child JVMs export over OTLP/gRPC (configured only by the
 * standard OTEL_* variables) to a real receiver in the test, which decodes the protobuf. The
 * backend echoes the {@code traceparent} it received, so the test ties the wire to the exported
 * span. One application knows nothing of tracing; the other traces with the OpenTelemetry API and
 * SDK itself, and the agent's span must be a child of the application's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingIT {

  private static final Pattern TRACEPARENT =
      Pattern.compile("traceparent=00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

  private OtlpReceiver receiver;
  private ReviewsMesh mesh;
  private LocalControlPlane controlPlane;
  private AgentJvm plain;
  private AgentJvm traced;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    receiver = new OtlpReceiver();
    mesh = new ReviewsMesh();
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1", mesh.split(100, 0));
    Map<String, String> otel = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_BSP_SCHEDULE_DELAY", "100",
        "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=it");
    String args = AgentJvm.meshArgs(Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri()));
    plain = AgentJvm.start(args, otel, HttpProbe.class.getName());
    traced = AgentJvm.start(System.getProperty("java.home"), args, otel,
        ClientApps.classpath("opentelemetry-sdk-1.68.0", "io.inmesh.it.clients.TracedProbe",
            dir), "io.inmesh.it.clients.TracedProbe");
    plain.await("READY", 30);
    traced.await("READY", 30);
    awaitTracing(plain);
    awaitTracing(traced);
  }

  /** Tracing starts with telemetry, once xDS is connected; calls before that have no span. */
  private static void awaitTracing(AgentJvm app) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (app.stderr().stream().noneMatch(l -> l.contains("tracing: client spans to grpc"))) {
      assertTrue(System.nanoTime() < deadline, String.join("\n", app.stderr()));
      Thread.sleep(20);
    }
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {plain, traced, controlPlane, mesh, receiver}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  /** The traceparent the backend saw, from a probe answer's {@code seen=[...]}. */
  private static Matcher seen(String answer) {
    Matcher m = TRACEPARENT.matcher(answer);
    assertTrue(m.find(), answer);
    return m;
  }

  @Test
  void aRoutedCallIsAClientSpanWhoseIdsReachedTheBackend() throws Exception {
    plain.send("fetch jdk " + ReviewsMesh.URL + " x-request-id:req-42");
    String answer = plain.await("FETCHED", 30);
    assertTrue(answer.contains("status=200"), answer);
    Matcher wire = seen(answer);
    OtlpReceiver.Received got = receiver.await(r -> r.spanId().equals(wire.group(2)), 15);
    assertEquals(wire.group(1), got.traceId());
    assertEquals("", got.parentSpanId()); // the application has no span of its own
    assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, got.span().getKind());
    assertEquals("GET", got.span().getName());
    assertEquals("GET", got.attribute("http.request.method"));
    assertEquals(ReviewsMesh.HOST, got.attribute("server.address"));
    assertEquals("9080", got.attribute("server.port"));
    assertEquals(ReviewsMesh.URL, got.attribute("url.full"));
    assertEquals("200", got.attribute("http.response.status_code"));
    assertEquals("default", got.attribute("inmesh.route"));
    assertEquals(ReviewsMesh.V1, got.attribute("inmesh.cluster"));
    assertTrue(got.attribute("inmesh.upstream.address").startsWith("127.0.0.1:"),
        got.attribute("inmesh.upstream.address"));
    assertEquals(Status.StatusCode.STATUS_CODE_UNSET, got.span().getStatus().getCode());
    assertEquals("productpage", got.resourceAttribute("service.name"));
    assertEquals("it", got.resourceAttribute("deployment.environment"));
    assertTrue(got.span().getEndTimeUnixNano() > got.span().getStartTimeUnixNano());
  }

  @Test
  void httpUrlConnectionCallsCarryTheirSpanToo() throws Exception {
    plain.send("fetch urlconnection " + ReviewsMesh.URL + "?via=urlconnection");
    String answer = plain.await("FETCHED", 30);
    assertTrue(answer.contains("status=200"), answer);
    Matcher wire = seen(answer);
    OtlpReceiver.Received got = receiver.await(r -> r.spanId().equals(wire.group(2)), 15);
    assertEquals(wire.group(1), got.traceId());
    assertEquals("200", got.attribute("http.response.status_code"));
    assertEquals(ReviewsMesh.URL + "?via=urlconnection", got.attribute("url.full"));
  }

  @Test
  void aRequestThatCarriesItsOwnTraceparentKeepsItAndGetsNoSecondSpan() throws Exception {
    String own = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    plain.send("fetch jdk " + ReviewsMesh.URL + "?own=1 traceparent:" + own);
    String answer = plain.await("FETCHED", 30);
    assertTrue(answer.contains("traceparent=" + own), answer);
    // a later call's span proves the exporter ran after this one
    plain.send("fetch jdk " + ReviewsMesh.URL + "?after=1");
    Matcher after = seen(plain.await("FETCHED", 30));
    receiver.await(r -> r.spanId().equals(after.group(2)), 15);
    assertTrue(receiver.spans().stream().noneMatch(r -> r.traceId().equals(own.substring(3, 35))
        || r.attribute("url.full").endsWith("?own=1")), receiver.spans().toString());
  }

  @Test
  void theAgentsSpanIsAChildOfTheApplicationsOwnSpan() throws Exception {
    traced.send("traced " + ReviewsMesh.URL);
    String answer = traced.await("TRACED", 30);
    Matcher app = Pattern.compile("trace=([0-9a-f]{32}) span=([0-9a-f]{16}) status=200")
        .matcher(answer);
    assertTrue(app.find(), answer);
    Matcher wire = seen(answer.replace("seen=", "traceparent="));
    assertEquals(app.group(1), wire.group(1), "the call carries the application's trace");
    OtlpReceiver.Received got = receiver.await(r -> r.spanId().equals(wire.group(2)), 15);
    assertEquals(app.group(1), got.traceId());
    assertEquals(app.group(2), got.parentSpanId());
    assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, got.span().getKind());
    assertEquals(ReviewsMesh.V1, got.attribute("inmesh.cluster"));
  }
}
