package io.inmesh.telemetry.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.policies.RequestView;
import io.inmesh.policies.route.TraceSampling;
import io.inmesh.telemetry.CallRecord;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Client spans end to end inside one JVM: the real SDK, the agent's own OTLP senders, and a real
 * OTLP receiver (gRPC and http/protobuf) decoding what arrives.
 */
class ClientSpansTest {

  private OtlpReceiver receiver;
  private ClientSpans spans;

  @BeforeEach
  void receiver() throws Exception {
    receiver = new OtlpReceiver();
  }

  @AfterEach
  void stop() {
    if (spans != null) {
      spans.close();
    }
    receiver.close();
  }

  private ClientSpans start(Map<String, String> env) {
    TracingConfig config = TracingConfig.from("auto", env, new Properties());
    assertTrue(config.enabled(), config.toString());
    return ClientSpans.start(config, "productpage");
  }

  private static RequestView request(Map<String, String> headers) {
    return new RequestView() {
      @Override
      public String authority() {
        return "reviews:9080";
      }

      @Override
      public String path() {
        return "/reviews/1?u=a";
      }

      @Override
      public String method() {
        return "GET";
      }

      @Override
      public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
      }
    };
  }

  private static CallRecord record(int code, String failure) {
    return new CallRecord("http", "GET", "reviews:9080", "/reviews/1?u=a", "reviews:9080",
        "reviews-route", "outbound|9080|v1|reviews.default.svc.cluster.local",
        "127.0.0.7:9080", code, code == 503 ? "UH" : "-", failure, System.currentTimeMillis(),
        1_000_000, -1, -1);
  }

  @Test
  void grpcExportCarriesTheSemanticConventionsAndTheMeshDecision() throws Exception {
    spans = start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.grpcEndpoint(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_BSP_SCHEDULE_DELAY", "50",
        "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test"));
    ClientSpan span = spans.start(request(Map.of("x-request-id", "req-1")), "reviews", 9080);
    spans.end(span, record(200, null));
    String[] parts = span.traceparent().split("-");
    OtlpReceiver.Received got = receiver.await(r -> r.spanId().equals(parts[2]), 10);
    assertEquals("00", parts[0]);
    assertEquals(got.traceId(), parts[1]);
    // sampled (bit 0); the SDK also sets W3C level 2's random-trace-id bit (1)
    assertEquals(1, Integer.parseInt(parts[3], 16) & 1);
    assertEquals(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT,
        got.span().getKind());
    assertEquals("GET", got.span().getName());
    assertEquals("", got.parentSpanId()); // no application span: a root
    assertEquals("GET", got.attribute("http.request.method"));
    assertEquals("reviews", got.attribute("server.address"));
    assertEquals("9080", got.attribute("server.port"));
    assertEquals("http://reviews:9080/reviews/1?u=a", got.attribute("url.full"));
    assertEquals("200", got.attribute("http.response.status_code"));
    assertEquals("reviews-route", got.attribute("inmesh.route"));
    assertEquals("outbound|9080|v1|reviews.default.svc.cluster.local",
        got.attribute("inmesh.cluster"));
    assertEquals("127.0.0.7:9080", got.attribute("inmesh.upstream.address"));
    assertEquals("127.0.0.7", got.attribute("network.peer.address"));
    assertEquals("req-1", got.attribute("http.request.header.x-request-id"));
    assertNull(got.attribute("error.type"));
    assertEquals(Status.StatusCode.STATUS_CODE_UNSET, got.span().getStatus().getCode());
    assertEquals("productpage", got.resourceAttribute("service.name"));
    assertEquals("test", got.resourceAttribute("deployment.environment"));
  }

  @Test
  void httpProtobufExportWithHeadersAndGzip() throws Exception {
    spans = start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.httpEndpoint(),
        "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip", "OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=a%20b",
        "OTEL_BSP_SCHEDULE_DELAY", "50", "OTEL_SERVICE_NAME", "checkout"));
    ClientSpan span = spans.start(request(Map.of()), "reviews", 9080);
    spans.end(span, record(503, null));
    String spanId = span.traceparent().split("-")[2];
    OtlpReceiver.Received got = receiver.await(r -> r.spanId().equals(spanId), 10);
    assertEquals("503", got.attribute("error.type"));
    assertEquals("UH", got.attribute("inmesh.response_flags"));
    assertEquals(Status.StatusCode.STATUS_CODE_ERROR, got.span().getStatus().getCode());
    assertEquals("checkout", got.resourceAttribute("service.name"));
    assertEquals(List.of("application/x-protobuf gzip a b"), receiver.httpHeaders);
  }

  @Test
  void theApplicationsCurrentSpanIsTheParent() throws Exception {
    spans = start(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.grpcEndpoint(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_BSP_SCHEDULE_DELAY", "50"));
    // the application's own SDK (here the same classes; in the agent, a relocated copy)
    // (a provider without a processor hands out no-op spans)
    try (SdkTracerProvider app = SdkTracerProvider.builder().addSpanProcessor(
        SimpleSpanProcessor.create(new NoExport())).build()) {
      Tracer tracer = app.get("app");
      Span parent = tracer.spanBuilder("checkout").startSpan();
      ClientSpan call;
      Context withState = Context.current().with(Span.wrap(
          io.opentelemetry.api.trace.SpanContext.create(parent.getSpanContext().getTraceId(),
              parent.getSpanContext().getSpanId(), parent.getSpanContext().getTraceFlags(),
              TraceState.builder().put("vendor", "x").put("other", "y").build())));
      try (Scope ignored = withState.makeCurrent()) {
        call = spans.start(request(Map.of()), "reviews", 9080);
      }
      parent.end();
      spans.end(call, record(0, "connect_failure"));
      String[] parts = call.traceparent().split("-");
      assertEquals(parent.getSpanContext().getTraceId(), parts[1]);
      OtlpReceiver.Received got = receiver.await(r -> r.spanId().equals(parts[2]), 10);
      assertEquals(parent.getSpanContext().getSpanId(), got.parentSpanId());
      assertEquals(parent.getSpanContext().getTraceId(), got.traceId());
      assertEquals("connect_failure", got.attribute("error.type"));
      List<String> headers = List.of(call.headers());
      assertEquals("other=y,vendor=x", headers.get(headers.indexOf("tracestate") + 1));
    }
  }

  @Test
  void b3FormatsWhenPropagatorsNameThem() {
    spans = start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.grpcEndpoint(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
        "OTEL_PROPAGATORS", "tracecontext,b3,b3multi"));
    ClientSpan span = spans.start(request(Map.of()), "reviews", 9080);
    List<String> h = List.of(span.headers());
    String[] tp = span.traceparent().split("-");
    assertEquals(tp[1] + "-" + tp[2] + "-1", h.get(h.indexOf("b3") + 1));
    assertEquals(tp[1], h.get(h.indexOf("x-b3-traceid") + 1));
    assertEquals(tp[2], h.get(h.indexOf("x-b3-spanid") + 1));
    assertEquals("1", h.get(h.indexOf("x-b3-sampled") + 1));
    spans.end(span, record(200, null));
  }

  @Test
  void aRequestThatAlreadyCarriesATraceGetsNoSecondSpanOrHeader() {
    spans = start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.grpcEndpoint(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));
    assertNull(spans.start(request(Map.of("traceparent",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")), "reviews", 9080));
    assertNull(spans.start(request(Map.of("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")),
        "reviews", 9080));
  }

  @Test
  void aRetryIsASiblingWithItsOwnHeaders() throws Exception {
    spans = start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.grpcEndpoint(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_BSP_SCHEDULE_DELAY", "50"));
    ClientSpan first = spans.start(request(Map.of()), "reviews", 9080);
    ClientSpan second = spans.retry(first);
    String[] a = first.traceparent().split("-");
    String[] b = second.traceparent().split("-");
    assertTrue(!a[1].equals(b[1]) || !a[2].equals(b[2]));
    spans.end(first, record(503, null));
    spans.end(second, record(200, null));
    assertNotNull(receiver.await(r -> r.spanId().equals(b[2]), 10));
  }

  @Test
  void theListenersTracingSamplingDecidesForCallsThatStartATrace() throws Exception {
    spans = start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.grpcEndpoint(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_BSP_SCHEDULE_DELAY", "50"));
    // random_sampling 0: left out (ids and traceparent all the same, flag 0)
    ClientSpan out = spans.start(request(Map.of()), "reviews", 9080,
        new TraceSampling(100, 0, 100));
    assertEquals(0, Integer.parseInt(out.traceparent().split("-")[3], 16) & 1);
    // a retry of a call left out stays out
    ClientSpan outRetry = spans.retry(out);
    assertEquals(0, Integer.parseInt(outRetry.traceparent().split("-")[3], 16) & 1);
    // x-client-trace-id: client_sampling (100) applies instead
    ClientSpan in = spans.start(request(Map.of("x-client-trace-id", "c1")), "reviews", 9080,
        new TraceSampling(100, 0, 100));
    assertEquals(1, Integer.parseInt(in.traceparent().split("-")[3], 16) & 1);
    spans.end(out, record(200, null));
    spans.end(outRetry, record(200, null));
    spans.end(in, record(200, null));
    String inId = in.traceparent().split("-")[2];
    receiver.await(r -> r.spanId().equals(inId), 10);
    spans.close();
    spans = null;
    assertEquals(1, receiver.spans().size(), receiver.spans().toString());
  }

  @Test
  void samplingOffStillPropagatesButExportsNothing() throws Exception {
    spans = start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.grpcEndpoint(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_TRACES_SAMPLER", "always_off",
        "OTEL_BSP_SCHEDULE_DELAY", "50"));
    ClientSpan span = spans.start(request(Map.of()), "reviews", 9080);
    assertEquals(0, Integer.parseInt(span.traceparent().split("-")[3], 16) & 1,
        span.traceparent());
    spans.end(span, record(200, null));
    spans.close();
    spans = null;
    assertTrue(receiver.spans().isEmpty(), receiver.spans().toString());
  }

  /** The application's exporter in these tests: it keeps nothing. */
  private static final class NoExport implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
