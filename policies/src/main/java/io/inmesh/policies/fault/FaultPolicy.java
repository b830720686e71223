package io.inmesh.policies.fault;

import io.inmesh.policies.RandomSource;
import io.inmesh.policies.RequestView;
import io.inmesh.policies.route.HeaderMatcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code envoy.extensions.filters.http.fault.v3.HTTPFault} (gRFC A33), from the HTTP connection
 * manager's filter or a route's, virtual host's or route configuration's
 * {@code typed_per_filter_config} (where istiod puts a VirtualService {@code fault}). An empty
 * policy ({@link #NONE}) injects nothing, which is how a route turns the filter off.
 *
 * <p>Each instance counts its active faults ({@code max_active_faults}); an instance is created per
 * decoded resource, so the count restarts when the configuration is replaced.
 *
 * @param delay {@code delay}, or null
 * @param abort {@code abort}, or null
 * @param upstreamCluster {@code upstream_cluster}: only calls routed to it are faulted ("" = any)
 * @param headers {@code headers}: all must match
 * @param downstreamNodes {@code downstream_nodes}: the {@code x-envoy-downstream-service-node}
 *     header must be one of them (empty = any)
 * @param maxActiveFaults {@code max_active_faults}, or -1 for unlimited
 */
public record FaultPolicy(Delay delay, Abort abort, String upstreamCluster,
    List<HeaderMatcher> headers, List<String> downstreamNodes, long maxActiveFaults,
    AtomicLong active) {

  /** Parts per million that always hit. */
  public static final int ALWAYS = 1_000_000;

  public static final String DELAY_HEADER = "x-envoy-fault-delay-request";
  public static final String DELAY_PERCENT_HEADER = "x-envoy-fault-delay-request-percentage";
  public static final String ABORT_HEADER = "x-envoy-fault-abort-request";
  public static final String ABORT_GRPC_HEADER = "x-envoy-fault-abort-grpc-request";
  public static final String ABORT_PERCENT_HEADER = "x-envoy-fault-abort-request-percentage";

  public static final FaultPolicy NONE = new FaultPolicy(null, null, "", List.of(), List.of(),
      -1);

  public FaultPolicy {
    upstreamCluster = upstreamCluster == null ? "" : upstreamCluster;
    headers = List.copyOf(headers);
    downstreamNodes = List.copyOf(downstreamNodes);
    if (active == null) {
      active = new AtomicLong();
    }
  }

  public FaultPolicy(Delay delay, Abort abort, String upstreamCluster, List<HeaderMatcher> headers,
      List<String> downstreamNodes, long maxActiveFaults) {
    this(delay, abort, upstreamCluster, headers, downstreamNodes, maxActiveFaults, null);
  }

  /**
   * {@code delay}: {@code fixed_delay}, or {@code header_delay} (milliseconds from
   * {@value #DELAY_HEADER}) when {@code fixed} is null.
   *
   * @param perMillion {@code percentage} in parts per million
   */
  public record Delay(Duration fixed, int perMillion) {}

  /**
   * {@code abort}: {@code http_status}, {@code grpc_status}, or {@code header_abort} (from
   * {@value #ABORT_HEADER} / {@value #ABORT_GRPC_HEADER}) when both are 0 / -1.
   *
   * @param httpStatus 200..599, or 0
   * @param grpcStatus the gRPC status, or -1
   * @param headerAbort whether the status comes from the request headers
   * @param perMillion {@code percentage} in parts per million
   */
  public record Abort(int httpStatus, int grpcStatus, boolean headerAbort, int perMillion) {}

  public boolean isEmpty() {
    return delay == null && abort == null;
  }

  /**
   * Draws this request's fault, Envoy's {@code FaultFilter::decodeHeaders}: the request must match
   * {@code headers}, {@code upstream_cluster} and {@code downstream_nodes}; then the delay and the
   * abort are each drawn against their percentage (a header percentage can only lower it), and
   * {@code max_active_faults} caps concurrent faulted requests. Allocates only when it injects.
   *
   * @return the fault (already counted as active: end it with {@link Fault#end()}), or null
   */
  public Fault draw(RequestView request, String cluster, RandomSource random) {
    if (isEmpty()) {
      return null;
    }
    if (!upstreamCluster.isEmpty() && !upstreamCluster.equals(cluster)) {
      return null;
    }
    for (int i = 0; i < headers.size(); i++) {
      if (!headers.get(i).matches(request)) {
        return null;
      }
    }
    if (!downstreamNodes.isEmpty()) {
      String node = request.header("x-envoy-downstream-service-node");
      if (node == null || !downstreamNodes.contains(node)) {
        return null;
      }
    }
    long delayNanos = 0;
    if (delay != null) {
      Duration d = delay.fixed();
      if (d == null) {
        long ms = headerLong(request, DELAY_HEADER);
        d = ms > 0 ? Duration.ofMillis(ms) : null;
      }
      if (d != null && !d.isZero() && hit(delay.perMillion(), request, DELAY_PERCENT_HEADER,
          delay.fixed() == null, random)) {
        delayNanos = d.toNanos();
      }
    }
    int httpStatus = 0;
    int grpcStatus = -1;
    if (abort != null) {
      int h = abort.httpStatus();
      int g = abort.grpcStatus();
      if (abort.headerAbort()) {
        long hv = headerLong(request, ABORT_HEADER);
        long gv = headerLong(request, ABORT_GRPC_HEADER);
        h = hv >= 200 && hv < 600 ? (int) hv : 0;
        g = h == 0 && gv >= 0 && gv <= Integer.MAX_VALUE ? (int) gv : -1;
      }
      if ((h > 0 || g >= 0) && hit(abort.perMillion(), request, ABORT_PERCENT_HEADER,
          abort.headerAbort(), random)) {
        httpStatus = h;
        grpcStatus = h > 0 ? -1 : g;
      }
    }
    if (delayNanos == 0 && httpStatus == 0 && grpcStatus < 0) {
      return null;
    }
    if (maxActiveFaults >= 0) {
      long now = active.incrementAndGet();
      if (now > maxActiveFaults) {
        active.decrementAndGet();
        return null;
      }
    } else {
      active.incrementAndGet();
    }
    return new Fault(delayNanos, httpStatus, grpcStatus, active);
  }

  /** The configured fraction, lowered (never raised) by the request's percentage header. */
  private static boolean hit(int perMillion, RequestView request, String percentHeader,
      boolean fromHeaders, RandomSource random) {
    int p = perMillion;
    if (fromHeaders) {
      String v = request.header(percentHeader);
      if (v != null) {
        try {
          // The header's numerator uses the configured denominator; per million here.
          long n = Long.parseLong(v.trim());
          p = (int) Math.min(p, Math.max(0, n) * (ALWAYS / 100));
        } catch (NumberFormatException ignored) {
          // Envoy ignores a malformed percentage header.
        }
      }
    }
    return p >= ALWAYS || (p > 0 && random.nextInt(ALWAYS) < p);
  }

  private static long headerLong(RequestView request, String name) {
    String v = request.header(name);
    if (v == null) {
      return -1;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FaultPolicy f && java.util.Objects.equals(delay, f.delay)
        && java.util.Objects.equals(abort, f.abort) && upstreamCluster.equals(f.upstreamCluster)
        && headers.equals(f.headers) && downstreamNodes.equals(f.downstreamNodes)
        && maxActiveFaults == f.maxActiveFaults;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(delay, abort, upstreamCluster, downstreamNodes,
        maxActiveFaults);
  }
}
