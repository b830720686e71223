package io.inmesh.telemetry.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

/**
 * One outbound call's client span, from the decision to the call's outcome, and the trace
 * headers the call carries to the wire. Created by {@link ClientSpans#start}, ended once by
 * {@link ClientSpans#end}.
 */
public final class ClientSpan {

  final Span span;
  final Context parent;
  final String method;
  final String host;
  final int port;
  /** {@code url.full} in pieces, joined only when the span is recorded. */
  final String scheme;
  final String authority;
  final String path;
  final String requestId;
  private final String[] headers;

  ClientSpan(Span span, Context parent, String method, String host, int port, String scheme,
      String authority, String path, String requestId, String[] headers) {
    this.span = span;
    this.parent = parent;
    this.method = method;
    this.host = host;
    this.port = port;
    this.scheme = scheme;
    this.authority = authority;
    this.path = path;
    this.requestId = requestId;
    this.headers = headers;
  }

  /**
   * Name, value pairs to set on the outgoing request ({@code traceparent}, ...). The array is
   * shared, not copied (one per call on the hot path): read it, never write it.
   */
  public String[] headers() {
    return headers;
  }

  /** The W3C {@code traceparent} this call carries, or null when tracecontext is not in use. */
  public String traceparent() {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      if (headers[i].equals("traceparent")) {
        return headers[i + 1];
      }
    }
    return null;
  }

  /** The trace id (32 hex digits, the SDK's own string: no allocation), for the access log. */
  public String traceId() {
    return span.getSpanContext().getTraceId();
  }

  /** The request's {@code x-request-id}, or null. */
  public String requestId() {
    return requestId;
  }

  @Override
  public String toString() {
    return method + " " + span.getSpanContext().getTraceId() + "/"
        + span.getSpanContext().getSpanId();
  }
}
