package io.inmesh.policies.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.policies.CallGuard;
import io.inmesh.policies.RandomSource;
import io.inmesh.policies.RetryDecision;
import io.inmesh.policies.Router;
import io.inmesh.policies.Routing;
import io.inmesh.policies.TestRequest;
import io.inmesh.policies.cluster.CircuitBreakers;
import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.outcome.CallOutcome;
import io.inmesh.policies.route.HeaderMatcher;
import io.inmesh.policies.route.RetryPolicy;
import io.inmesh.policies.route.RetryPolicy.Verdict;
import io.inmesh.policies.route.RoutePolicies;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryTest {

  /** What istiod sends when a VirtualService sets no retries (retry.go DefaultPolicy). */
  static final RetryPolicy ISTIO_DEFAULT = new RetryPolicy(RetryPolicy.parseRetryOn(
      "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"), 2,
      Duration.ZERO, Set.of(503), List.of(), List.of(), RetryPolicy.DEFAULT_BASE_INTERVAL, null,
      true, 5);

  private static final TestRequest REQ = TestRequest.of("svc:80", "/");

  @Test
  void istioDefaultRetriesWhatEnvoyRetries() {
    RetryPolicy p = ISTIO_DEFAULT;
    assertEquals(Verdict.WITH_BACKOFF, p.verdict(CallOutcome.CONNECT_FAILURE, null));
    assertEquals(Verdict.IMMEDIATELY, p.verdict(CallOutcome.REFUSED_STREAM, null));
    assertEquals(Verdict.WITH_BACKOFF, p.verdict(CallOutcome.response(503), null));
    assertEquals(Verdict.WITH_BACKOFF, p.verdict(CallOutcome.grpc(200, 14), null));
    assertEquals(Verdict.WITH_BACKOFF, p.verdict(CallOutcome.grpc(200, 1), null));
    assertEquals(Verdict.NO, p.verdict(CallOutcome.response(500), null));
    assertEquals(Verdict.NO, p.verdict(CallOutcome.response(502), null));
    assertEquals(Verdict.NO, p.verdict(CallOutcome.RESET, null));
    assertEquals(Verdict.NO, p.verdict(CallOutcome.TIMEOUT, null));
    assertEquals(Verdict.NO, p.verdict(CallOutcome.grpc(200, 4), null));
    // x-envoy-overloaded suppresses a retry.
    assertEquals(Verdict.NO, p.verdict(CallOutcome.response(503),
        TestRequest.of("", "/", "x-envoy-overloaded", "true")));
  }

  @Test
  void retryOnPolicies() {
    RetryPolicy fivexx = RetryPolicy.of("5xx", 1);
    assertEquals(Verdict.WITH_BACKOFF, fivexx.verdict(CallOutcome.response(500), null));
    assertEquals(Verdict.WITH_BACKOFF, fivexx.verdict(CallOutcome.RESET, null));
    assertEquals(Verdict.WITH_BACKOFF, fivexx.verdict(CallOutcome.TIMEOUT, null));
    assertEquals(Verdict.WITH_BACKOFF, fivexx.verdict(CallOutcome.CONNECT_FAILURE, null));
    RetryPolicy gateway = RetryPolicy.of("gateway-error", 1);
    assertEquals(Verdict.NO, gateway.verdict(CallOutcome.response(500), null));
    assertEquals(Verdict.WITH_BACKOFF, gateway.verdict(CallOutcome.response(504), null));
    RetryPolicy four = RetryPolicy.of("retriable-4xx", 1);
    assertEquals(Verdict.WITH_BACKOFF, four.verdict(CallOutcome.response(409), null));
    assertEquals(Verdict.NO, four.verdict(CallOutcome.response(404), null));
    RetryPolicy reset = RetryPolicy.of("reset", 1);
    assertEquals(Verdict.WITH_BACKOFF, reset.verdict(CallOutcome.RESET, null));
    assertEquals(Verdict.NO, reset.verdict(CallOutcome.response(503), null));
    RetryPolicy headers = new RetryPolicy(RetryPolicy.parseRetryOn("retriable-headers"), 1,
        Duration.ZERO, Set.of(), List.of(HeaderMatcher.ofPresent("x-retry", true, false)),
        List.of(), RetryPolicy.DEFAULT_BASE_INTERVAL, null, false, 1);
    assertEquals(Verdict.WITH_BACKOFF, headers.verdict(CallOutcome.response(200),
        TestRequest.of("", "/", "x-retry", "1")));
    assertEquals(Verdict.NO, headers.verdict(CallOutcome.response(200), TestRequest.of("", "/")));
    assertEquals(Verdict.NO, fivexx.verdict(CallOutcome.CANCELLED, null));
    assertThrows(IllegalArgumentException.class, () -> RetryPolicy.parseRetryOn("5xx,bogus"));
  }

  @Test
  void backoffIsFullJitterExponentialCapped() {
    RetryPolicy p = new RetryPolicy(RetryPolicy.FIVE_XX, 10, Duration.ZERO, Set.of(), List.of(),
        List.of(), Duration.ofMillis(25), Duration.ofMillis(100), false, 1);
    RandomSource random = RandomSource.seeded(7);
    for (int i = 0; i < 200; i++) {
      assertTrue(p.backoffNanos(1, random) < Duration.ofMillis(25).toNanos());
      assertTrue(p.backoffNanos(2, random) < Duration.ofMillis(75).toNanos());
      assertTrue(p.backoffNanos(5, random) < Duration.ofMillis(100).toNanos());
    }
    assertEquals(Duration.ofMillis(250), RetryPolicy.of("5xx", 1).maxInterval());
  }

  @Test
  void retryGoesToAnotherHostAndGivesUpAfterNumRetries() {
    Mesh mesh = new Mesh(3, new RoutePolicies(ISTIO_DEFAULT, null, null, List.of()));
    RandomSource random = RandomSource.seeded(1);
    Routing r = Router.startCall(mesh.snapshot, mesh.table, REQ, random, 0);
    assertEquals(Routing.Result.ROUTED, r.result());
    CallGuard guard = r.guard();
    assertEquals(1, mesh.state.circuitBreaker().activeRequests());
    Set<Host> seen = new HashSet<>();
    Host host = r.host();
    seen.add(host);
    RetryDecision d = guard.onOutcome(CallOutcome.response(503), host, 0);
    assertTrue(d.retry());
    assertEquals(2, d.attempt());
    assertTrue(seen.add(d.host()), "previous_hosts: the retry avoids the tried host");
    d = guard.onOutcome(CallOutcome.CONNECT_FAILURE, d.host(), 0);
    assertTrue(d.retry());
    assertTrue(seen.add(d.host()));
    d = guard.onOutcome(CallOutcome.response(503), d.host(), 0);
    assertFalse(d.retry(), "num_retries 2 means three attempts");
    assertEquals(0, mesh.state.circuitBreaker().activeRequests());
    assertEquals(0, mesh.state.circuitBreaker().activeRetries());
  }

  @Test
  void noRetryWhenTheClientMayNotRetryOrTheOutcomeIsNotCovered() {
    Mesh mesh = new Mesh(2, new RoutePolicies(ISTIO_DEFAULT, null, null, List.of()));
    Routing r = Router.startCall(mesh.snapshot, mesh.table, REQ, RandomSource.seeded(2), 0);
    assertFalse(r.guard().onOutcome(CallOutcome.response(503), r.host(), null, false, 0).retry());
    r = Router.startCall(mesh.snapshot, mesh.table, REQ, RandomSource.seeded(2), 0);
    assertFalse(r.guard().onOutcome(CallOutcome.response(200), r.host(), 0).retry());
    assertEquals(0, mesh.state.circuitBreaker().activeRequests());
  }

  @Test
  void maxRetriesBreakerStopsRetries() {
    Mesh mesh = new Mesh(3, new CircuitBreakers(1024, 1024, 1024, 1, null), null,
        new RoutePolicies(RetryPolicy.of("5xx", 3), null, null, List.of()),
        io.inmesh.policies.HttpFilters.PER_ROUTE);
    RandomSource random = RandomSource.seeded(3);
    Routing a = Router.startCall(mesh.snapshot, mesh.table, REQ, random, 0);
    Routing b = Router.startCall(mesh.snapshot, mesh.table, REQ, random, 0);
    RetryDecision first = a.guard().onOutcome(CallOutcome.response(500), a.host(), 0);
    assertTrue(first.retry());
    RetryDecision second = b.guard().onOutcome(CallOutcome.response(500), b.host(), 0);
    assertFalse(second.retry(), "max_retries 1: a concurrent second retry overflows");
    assertEquals(1, mesh.state.circuitBreaker().retryOverflows());
    // The first call's retried attempt ends: its retry slot is free again.
    assertFalse(a.guard().onOutcome(CallOutcome.response(200), first.host(), 0).retry());
    assertEquals(0, mesh.state.circuitBreaker().activeRetries());
  }

  @Test
  void retryBudgetAllowsAPercentageOfActiveRequests() {
    Mesh mesh = new Mesh(3, new CircuitBreakers(1024, 1024, 1024, 0,
        new CircuitBreakers.RetryBudget(50, 1)), null,
        new RoutePolicies(RetryPolicy.of("5xx", 3), null, null, List.of()),
        io.inmesh.policies.HttpFilters.PER_ROUTE);
    RandomSource random = RandomSource.seeded(4);
    Routing[] calls = new Routing[4];
    for (int i = 0; i < calls.length; i++) {
      calls[i] = Router.startCall(mesh.snapshot, mesh.table, REQ, random, 0);
    }
    // 4 active requests x 50% = 2 concurrent retries.
    assertTrue(calls[0].guard().onOutcome(CallOutcome.response(500), calls[0].host(), 0).retry());
    assertTrue(calls[1].guard().onOutcome(CallOutcome.response(500), calls[1].host(), 0).retry());
    assertFalse(calls[2].guard().onOutcome(CallOutcome.response(500), calls[2].host(), 0)
        .retry());
  }

  @Test
  void callsWithoutPolicyShareOneGuard() {
    Mesh mesh = new Mesh(2, RoutePolicies.NONE);
    Routing a = Router.startCall(mesh.snapshot, mesh.table, REQ, RandomSource.seeded(5), 0);
    Routing b = Router.startCall(mesh.snapshot, mesh.table, REQ, RandomSource.seeded(5), 0);
    assertSame(a.guard(), b.guard());
    assertSame(RetryDecision.DONE, a.guard().onOutcome(CallOutcome.response(503), a.host(), 0));
    Mesh withRetry = new Mesh(2, new RoutePolicies(ISTIO_DEFAULT, null, null, List.of()));
    Routing c = Router.startCall(withRetry.snapshot, withRetry.table, REQ,
        RandomSource.seeded(5), 0);
    Routing d = Router.startCall(withRetry.snapshot, withRetry.table, REQ,
        RandomSource.seeded(5), 0);
    assertNotSame(c.guard(), d.guard());
  }

  @Test
  void retriableRequestHeadersLimitThePolicy() {
    RetryPolicy p = new RetryPolicy(RetryPolicy.FIVE_XX, 1, Duration.ofSeconds(1), Set.of(),
        List.of(), List.of(HeaderMatcher.ofPresent("x-idempotent", true, false)),
        RetryPolicy.DEFAULT_BASE_INTERVAL, null, false, 1);
    Mesh mesh = new Mesh(2, new RoutePolicies(p, null, null, List.of()));
    Routing plain = Router.startCall(mesh.snapshot, mesh.table, REQ, RandomSource.seeded(6), 0);
    assertEquals(null, plain.retryPolicy());
    Routing marked = Router.startCall(mesh.snapshot, mesh.table,
        TestRequest.of("svc:80", "/", "x-idempotent", "1"), RandomSource.seeded(6), 0);
    assertEquals(Duration.ofSeconds(1), marked.perTryTimeout());
    assertEquals(Duration.ofSeconds(1), marked.guard().perTryTimeout());
  }
}
