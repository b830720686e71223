package io.inmesh.telemetry.trace;

import io.inmesh.policies.RequestView;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.policies.route.TraceSampling;
import io.inmesh.telemetry.CallRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The agent's OpenTelemetry client spans: one per outbound call the mesh routes or answers, with
 * the HTTP semantic conventions ({@code http.request.method}, {@code server.address},
 * {@code server.port}, {@code url.full}, {@code http.response.status_code}, {@code error.type})
 * and the mesh's decision ({@code inmesh.route}, {@code inmesh.cluster},
 * {@code inmesh.upstream.address}, {@code inmesh.response_flags}). A call joins the
 * application's current span when the application uses the OpenTelemetry API; its trace headers
 * go to the wire through the route's request changes. Spans are exported over OTLP by a batch
 * processor with a bounded queue: a full queue drops spans, the application never waits.
 */
public final class ClientSpans implements AutoCloseable {

  private static final AgentLog LOG = AgentLog.get(ClientSpans.class);

  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  static final AttributeKey<List<String>> REQUEST_ID =
      AttributeKey.stringArrayKey("http.request.header.x-request-id");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("inmesh.route");
  static final AttributeKey<String> CLUSTER = AttributeKey.stringKey("inmesh.cluster");
  static final AttributeKey<String> TARGET = AttributeKey.stringKey("inmesh.target");
  static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("inmesh.upstream.address");
  static final AttributeKey<String> FLAGS = AttributeKey.stringKey("inmesh.response_flags");
  static final AttributeKey<String> PEER_PRINCIPAL =
      AttributeKey.stringKey("inmesh.upstream.principal");

  private final SdkTracerProvider provider;
  private final Tracer tracer;
  /** Hands out unrecorded spans (ids, no export) for calls the listener's sampling leaves out. */
  private final Tracer unsampled;
  private final TraceHeaders headers;
  private final ApplicationSpans application = new ApplicationSpans();

  ClientSpans(SdkTracerProvider provider, TraceHeaders headers) {
    this.provider = provider;
    this.tracer = provider.get("io.inmesh", "0.1.0");
    // (a provider without a processor would hand out invalid no-op spans, without ids)
    this.unsampled = SdkTracerProvider.builder().setSampler(Sampler.alwaysOff())
        .addSpanProcessor(new NothingToRecord()).build().get("io.inmesh", "0.1.0");
    this.headers = headers;
  }

  /**
   * Starts span recording and export, or returns null: tracing is off, or the OpenTelemetry Java
   * agent traces this application's calls already (a second client span and a second
   * {@code traceparent} per call would be wrong).
   *
   * @param defaultServiceName {@code service.name} when {@code OTEL_SERVICE_NAME} and
   *     {@code OTEL_RESOURCE_ATTRIBUTES} give none (the workload's canonical service)
   */
  public static ClientSpans start(TracingConfig config, String defaultServiceName) {
    if (!config.enabled()) {
      return null;
    }
    if (OpenTelemetryJavaAgent.attached()) {
      LOG.info("tracing: the OpenTelemetry Java agent is attached and traces this application's"
          + " calls; the mesh adds no client spans or trace headers of its own");
      return null;
    }
    SpanExporter exporter = exporter(config);
    ClientSpans spans = create(config, defaultServiceName, BatchSpanProcessor.builder(exporter)
        .setScheduleDelay(config.scheduleDelay())
        .setMaxQueueSize(config.maxQueueSize())
        .setMaxExportBatchSize(Math.min(config.maxExportBatchSize(), config.maxQueueSize()))
        .setExporterTimeout(config.timeout())
        .setMeterProvider(MeterProvider::noop)
        .build());
    LOG.info("tracing: client spans to %s", config.describe());
    return spans;
  }

  /** With any span processor (tests export in memory or to a local receiver). */
  static ClientSpans create(TracingConfig config, String defaultServiceName,
      io.opentelemetry.sdk.trace.SpanProcessor processor) {
    AttributesBuilder resource = Attributes.builder();
    config.resourceAttributes().forEach(resource::put);
    String service = config.serviceName() != null ? config.serviceName()
        : config.resourceAttributes().get("service.name") != null
            ? config.resourceAttributes().get("service.name")
        : defaultServiceName != null ? defaultServiceName : "unknown_service:java";
    resource.put("service.name", service);
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(resource.build())))
        .setSampler(sampler(config))
        .addSpanProcessor(processor)
        .build();
    return new ClientSpans(provider, new TraceHeaders(config.propagators()));
  }

  private static Sampler sampler(TracingConfig config) {
    double ratio = config.samplerArg();
    return switch (config.sampler()) {
      case "always_on" -> Sampler.alwaysOn();
      case "always_off" -> Sampler.alwaysOff();
      case "traceidratio" -> Sampler.traceIdRatioBased(ratio);
      case "parentbased_always_off" -> Sampler.parentBased(Sampler.alwaysOff());
      case "parentbased_traceidratio" -> Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
      default -> Sampler.parentBased(Sampler.alwaysOn());
    };
  }

  private static SpanExporter exporter(TracingConfig config) {
    byte[] trusted = null;
    if (config.certificate() != null) {
      try {
        trusted = Files.readAllBytes(Path.of(config.certificate()));
      } catch (IOException e) {
        throw new IllegalArgumentException("OTEL_EXPORTER_OTLP_CERTIFICATE: cannot read "
            + config.certificate() + ": " + e.getMessage());
      }
    }
    String compression = config.compression();
    if (config.protocol().equals(TracingConfig.GRPC)) {
      OtlpGrpcSpanExporterBuilder b = OtlpGrpcSpanExporter.builder()
          .setComponentLoader(new Senders())
          .setEndpoint(config.endpoint())
          .setTimeout(config.timeout())
          .setCompression(compression)
          .setMeterProvider(MeterProvider::noop);
      config.headers().forEach(b::addHeader);
      if (trusted != null) {
        b.setTrustedCertificates(trusted);
      }
      return b.build();
    }
    OtlpHttpSpanExporterBuilder b = OtlpHttpSpanExporter.builder()
        .setComponentLoader(new Senders())
        .setEndpoint(config.endpoint())
        .setTimeout(config.timeout())
        .setCompression(compression)
        .setMeterProvider(MeterProvider::noop);
    config.headers().forEach(b::addHeader);
    if (trusted != null) {
      b.setTrustedCertificates(trusted);
    }
    return b.build();
  }

  /**
   * Starts the client span of a call the mesh decided, as a child of the application's current
   * span when it has one. Returns null when the request already carries a trace header: whoever
   * injected it (the application, or another tracer) owns this call's client span, and a second
   * span and header would break the trace rather than add to it.
   */
  public ClientSpan start(RequestView request, String host, int port) {
    return start(request, host, port, null);
  }

  /**
   * @param sampling the listener's HttpConnectionManager {@code tracing} sampling, or null: it
   *     decides, together with {@code OTEL_TRACES_SAMPLER}, whether a call that starts a trace is
   *     recorded; a call inside the application's trace follows the application's decision
   */
  public ClientSpan start(RequestView request, String host, int port, TraceSampling sampling) {
    if (request.header("traceparent") != null || request.header("b3") != null
        || request.header("x-b3-traceid") != null) {
      return null;
    }
    SpanContext app = application.current();
    Context parent = app == null ? Context.root() : Context.root().with(Span.wrap(app));
    Tracer t = tracer;
    if (app == null && sampling != null && ThreadLocalRandom.current().nextDouble()
        >= sampling.probability(request.header("x-client-trace-id") != null)) {
      t = unsampled;
    }
    String method = request.method() == null ? "GET" : request.method();
    return begin(t, parent, method, host, port, request.scheme(), request.authority(),
        request.path(), request.header("x-request-id"));
  }

  /**
   * The span of a retried attempt: a sibling of the first attempt's span (the same parent), with
   * its own trace headers, as Envoy gives each upstream attempt its own span.
   */
  public ClientSpan retry(ClientSpan first) {
    // an attempt of a call the listener's sampling left out stays out
    Tracer t = first.span.getSpanContext().isSampled() || first.parent != Context.root() ? tracer
        : unsampled;
    return begin(t, first.parent, first.method, first.host, first.port, first.scheme,
        first.authority, first.path, first.requestId);
  }

  /**
   * Our samplers decide on the parent and the trace id alone, so the request's attributes are
   * set when the span ends, and only if it is recorded: an unsampled call allocates no
   * attribute map or URL.
   */
  private ClientSpan begin(Tracer tracer, Context parent, String method, String host,
      int port, String scheme, String authority, String path, String requestId) {
    Span span = tracer.spanBuilder(method).setSpanKind(SpanKind.CLIENT).setParent(parent)
        .startSpan();
    return new ClientSpan(span, parent, method, host, port, scheme, authority, path, requestId,
        headers.of(span.getSpanContext()));
  }

  /** Ends a call's span with its outcome. Never throws. */
  public void end(ClientSpan call, CallRecord record) {
    Span span = call.span;
    if (span.isRecording()) {
      span.setAttribute(METHOD, call.method);
      span.setAttribute(SERVER_ADDRESS, call.host);
      span.setAttribute(SERVER_PORT, (long) call.port);
      span.setAttribute(URL_FULL, call.scheme + "://" + call.authority + call.path);
      if (call.requestId != null) {
        // kept as the application sent it: Envoy's x-request-id joins logs and traces
        span.setAttribute(REQUEST_ID, List.of(call.requestId));
      }
      int code = record.responseCode();
      if (code > 0) {
        span.setAttribute(STATUS, (long) code);
      }
      if (record.routeName() != null) {
        span.setAttribute(ROUTE, record.routeName());
      }
      if (record.cluster() != null) {
        span.setAttribute(CLUSTER, record.cluster());
      }
      if (record.peerPrincipal() != null) {
        // the server's SPIFFE ID the mesh's mTLS verified (no semantic convention names it)
        span.setAttribute(PEER_PRINCIPAL, record.peerPrincipal());
      }
      span.setAttribute(TARGET, record.target());
      if (record.upstreamHost() != null) {
        span.setAttribute(UPSTREAM, record.upstreamHost());
        int colon = record.upstreamHost().lastIndexOf(':');
        if (colon > 0) {
          span.setAttribute(PEER_ADDRESS, record.upstreamHost().substring(0, colon));
          try {
            span.setAttribute(PEER_PORT, Long.parseLong(record.upstreamHost()
                .substring(colon + 1)));
          } catch (NumberFormatException ignored) {
            // not ip:port: the address attribute says enough
          }
        }
      }
      if (record.responseFlags() != null && !record.responseFlags().equals("-")) {
        span.setAttribute(FLAGS, record.responseFlags());
      }
      // HTTP client spans: a 4xx or 5xx status, or no response at all, is an error
      if (code >= 400) {
        span.setAttribute(ERROR_TYPE, Integer.toString(code));
        span.setStatus(StatusCode.ERROR);
      } else if (code == 0) {
        span.setAttribute(ERROR_TYPE, record.failure() != null ? record.failure() : "_OTHER");
        span.setStatus(StatusCode.ERROR);
      }
    }
    span.end();
  }

  /** Exports what is queued (a few seconds at most) and stops. */
  @Override
  public void close() {
    provider.shutdown().join(5, TimeUnit.SECONDS);
  }

  /** The processor of the unsampled tracer: nothing is ever recorded there. */
  private static final class NothingToRecord implements io.opentelemetry.sdk.trace.SpanProcessor {
    @Override
    public void onStart(Context parent, io.opentelemetry.sdk.trace.ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(io.opentelemetry.sdk.trace.ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return false;
    }
  }
}
