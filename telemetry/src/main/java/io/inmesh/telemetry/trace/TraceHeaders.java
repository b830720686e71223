package io.inmesh.telemetry.trace;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import java.util.List;

/**
 * Writes a span context in the header formats {@code OTEL_PROPAGATORS} names: W3C Trace Context
 * ({@code traceparent}, {@code tracestate}), B3 single ({@code b3}) and B3 multi
 * ({@code X-B3-TraceId}, {@code X-B3-SpanId}, {@code X-B3-Sampled}). The result is name, value
 * pairs the route's request changes carry to the wire ({@code RequestMutation} sets).
 */
final class TraceHeaders {

  private final boolean traceContext;
  private final boolean b3;
  private final boolean b3Multi;

  TraceHeaders(List<String> propagators) {
    this.traceContext = propagators.contains("tracecontext");
    this.b3 = propagators.contains("b3");
    this.b3Multi = propagators.contains("b3multi");
  }

  /** True when {@code OTEL_PROPAGATORS} names no format the agent writes (e.g. {@code none}). */
  boolean writesNothing() {
    return !traceContext && !b3 && !b3Multi;
  }

  String[] of(SpanContext span) {
    String state = traceContext ? traceState(span.getTraceState()) : null;
    String[] out = new String[(traceContext ? (state == null ? 2 : 4) : 0) + (b3 ? 2 : 0)
        + (b3Multi ? 6 : 0)];
    int i = 0;
    String sampled = span.isSampled() ? "1" : "0";
    if (traceContext) {
      // W3C Trace Context: version 00, trace id, parent id (this span), trace flags
      out[i++] = "traceparent";
      out[i++] = "00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
          + span.getTraceFlags().asHex();
      if (state != null) {
        out[i++] = "tracestate";
        out[i++] = state;
      }
    }
    if (b3) {
      // openzipkin/b3-propagation, single header: {TraceId}-{SpanId}-{SamplingState}
      out[i++] = "b3";
      out[i++] = span.getTraceId() + "-" + span.getSpanId() + "-" + sampled;
    }
    if (b3Multi) {
      out[i++] = "x-b3-traceid";
      out[i++] = span.getTraceId();
      out[i++] = "x-b3-spanid";
      out[i++] = span.getSpanId();
      out[i++] = "x-b3-sampled";
      out[i] = sampled;
    }
    return out;
  }

  /** W3C {@code tracestate}: list members {@code key=value}, in order, or null when empty. */
  static String traceState(TraceState state) {
    if (state == null || state.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    state.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=')
        .append(v));
    return sb.toString();
  }
}
