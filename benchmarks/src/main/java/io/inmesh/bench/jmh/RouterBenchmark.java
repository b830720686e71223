package io.inmesh.bench.jmh;

import io.inmesh.policies.RandomSource;
import io.inmesh.policies.Router;
import io.inmesh.policies.Routing;
import io.inmesh.policies.outcome.CallOutcome;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The routing hot path, {@link Router#route}: virtual host by authority, first matching route,
 * weighted cluster, round-robin endpoint; and the full per-call decision with its outcome. Run by {@code bench/jmh} with {@code -prof gc}; the
 * budget (DESIGN.md) is a few hundred nanoseconds and no allocation beyond the decision.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouterBenchmark {

  private final RoutingFixture mesh = new RoutingFixture();

  /** Walks all ten routes of its virtual host (three header checks) to the last one. */
  private final RoutingFixture.Request lastRoute = new RoutingFixture.Request(
      "svc-50.default.svc.cluster.local:8080", "/api/v1/items-9/42?page=2",
      Map.of("user-agent", "Java-http-client/17", "accept", "application/json"));

  /** Matches a route by path prefix and an exact header. */
  private final RoutingFixture.Request headerRoute = new RoutingFixture.Request(
      "svc-50.default.svc.cluster.local:8080", "/api/v1/items-8/42",
      Map.of("user-agent", "Java-http-client/17", "x-tenant", "tenant-8"));

  @Benchmark
  public Routing lastOfTenRoutes() {
    return Router.route(mesh.snapshot, mesh.table, lastRoute);
  }

  @Benchmark
  public Routing headerMatch() {
    return Router.route(mesh.snapshot, mesh.table, headerRoute);
  }

  /**
   * The whole decision of a call as the runtime makes it: route match, weighted pick, balancer
   * pick, circuit breaker admission, fault and rate-limit checks, then the outcome recorded
   * (breaker release, outlier statistics).
   */
  @Benchmark
  public Routing decisionAndOutcome() {
    Routing r = Router.startCall(mesh.snapshot, mesh.table, lastRoute,
        RandomSource.threadLocal(), System.nanoTime());
    if (r.guard() != null) {
      r.guard().onOutcome(CallOutcome.response(200), r.host(), null, false, System.nanoTime());
    }
    return r;
  }
}
