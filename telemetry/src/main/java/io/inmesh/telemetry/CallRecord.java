package io.inmesh.telemetry;

/**
 * One finished outbound call as every protocol reports it: where it went, what the mesh decided,
 * and how it ended. The runtime builds it when the client reports the call's outcome; telemetry
 * (metrics, access log, spans) reads only this.
 *
 * @param protocol {@code http} (later {@code dubbo}, {@code jdbc}, ...)
 * @param method the HTTP method or the RPC's operation, or null
 * @param authority the authority the application wrote ({@code host:port})
 * @param path the path and query the application wrote
 * @param target the mesh destination ({@code host:port}, the listener name)
 * @param routeName the matched route's name, or null
 * @param cluster the upstream cluster ({@code outbound|9080|v1|reviews.default.svc.cluster.local}),
 *     or null
 * @param upstreamHost the endpoint dialled ({@code ip:port}), or null for local replies
 * @param responseCode the HTTP status the application got (a local reply's too), 0 when the call
 *     failed without a response
 * @param responseFlags Envoy's response flags ({@code -} when none; {@code UH}, {@code NR}, ...)
 * @param failure how the call failed without a response ({@code connect_failure},
 *     {@code reset}, {@code timeout}, ...), or null
 * @param startEpochMillis when the call started, wall clock
 * @param durationNanos from the decision to the outcome
 * @param requestBytes request body bytes when known, else -1
 * @param responseBytes response body bytes when known, else -1
 * @param peerPrincipal the server's SPIFFE ID when the call went over the mesh's mutual TLS
 *     ({@code spiffe://cluster.local/ns/default/sa/bookinfo-reviews}), or null for plaintext
 * @param traceId the trace id (32 hex digits) of the call's client span, or null when the mesh
 *     recorded no span (the access log's {@code trace_id}, Envoy's {@code %TRACE_ID%})
 * @param requestId the request's {@code x-request-id} as the span read it, or null (the access
 *     log's {@code request_id}, Envoy's {@code %REQ(X-REQUEST-ID)%})
 */
public record CallRecord(
    String protocol,
    String method,
    String authority,
    String path,
    String target,
    String routeName,
    String cluster,
    String upstreamHost,
    int responseCode,
    String responseFlags,
    String failure,
    long startEpochMillis,
    long durationNanos,
    long requestBytes,
    long responseBytes,
    String peerPrincipal,
    String traceId,
    String requestId) {

  /** A call without a client span. */
  public CallRecord(String protocol, String method, String authority, String path, String target,
      String routeName, String cluster, String upstreamHost, int responseCode,
      String responseFlags, String failure, long startEpochMillis, long durationNanos,
      long requestBytes, long responseBytes, String peerPrincipal) {
    this(protocol, method, authority, path, target, routeName, cluster, upstreamHost,
        responseCode, responseFlags, failure, startEpochMillis, durationNanos, requestBytes,
        responseBytes, peerPrincipal, null, null);
  }

  /** A call without the mesh's mutual TLS. */
  public CallRecord(String protocol, String method, String authority, String path, String target,
      String routeName, String cluster, String upstreamHost, int responseCode,
      String responseFlags, String failure, long startEpochMillis, long durationNanos,
      long requestBytes, long responseBytes) {
    this(protocol, method, authority, path, target, routeName, cluster, upstreamHost,
        responseCode, responseFlags, failure, startEpochMillis, durationNanos, requestBytes,
        responseBytes, null);
  }

  /** True when the call went over the mesh's mutual TLS. */
  public boolean mutualTls() {
    return peerPrincipal != null;
  }
}
