package io.inmesh.bench.jmh;

import io.inmesh.telemetry.CallRecord;
import io.inmesh.telemetry.EndpointMetadata;
import io.inmesh.telemetry.IstioMetrics;
import io.inmesh.telemetry.SourceWorkload;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What Istio's metrics add to one call, on the thread that reports its end: the destination's
 * labels looked up (cached per cluster and endpoint), then {@code istio_requests_total},
 * {@code istio_request_duration_milliseconds} and the two size histograms recorded, with Istio's
 * full label set, into the Prometheus registry. The call record itself is built by the runtime
 * (counted in RouterBenchmark's outcome recording).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallMetricsBenchmark {

  private IstioMetrics metrics;
  private CallRecord ok;
  private CallRecord unavailable;

  @Setup
  public void setUp() {
    metrics = new IstioMetrics(SourceWorkload.fromMetadata("sidecar~127.96.0.9~productpage-v1"
        + "-123.default~default.svc.cluster.local", Map.of()), EndpointMetadata.NONE);
    String cluster = "outbound|9080|v1|reviews.default.svc.cluster.local";
    ok = new CallRecord("http", "GET", "reviews.default.svc.cluster.local:9080", "/reviews/1",
        "reviews.default.svc.cluster.local:9080", "default", cluster, "127.96.0.15:9080", 200, "-",
        null, System.currentTimeMillis(), 1_200_000, 0, 358);
    unavailable = new CallRecord("http", "GET", "reviews.default.svc.cluster.local:9080",
        "/reviews/1", "reviews.default.svc.cluster.local:9080", "default", cluster,
        "127.96.0.16:9080", 503, "UF", "connect", System.currentTimeMillis(), 300_000, 0, 0);
  }

  @Benchmark
  public void success() {
    metrics.onCall(ok);
  }

  @Benchmark
  public void failure() {
    metrics.onCall(unavailable);
  }
}
