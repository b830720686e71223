package io.inmesh.policies.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.policies.HttpFilters;
import io.inmesh.policies.RandomSource;
import io.inmesh.policies.Router;
import io.inmesh.policies.Routing;
import io.inmesh.policies.TestRequest;
import io.inmesh.policies.header.Header;
import io.inmesh.policies.ratelimit.LocalRateLimit;
import io.inmesh.policies.ratelimit.LocalRateLimit.Verdict;
import io.inmesh.policies.ratelimit.RateLimitAction;
import io.inmesh.policies.ratelimit.RateLimitPolicy;
import io.inmesh.policies.ratelimit.TokenBucket;
import io.inmesh.policies.route.RoutePolicies;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitTest {

  private static final long SECOND = 1_000_000_000L;
  private static final TestRequest REQ = TestRequest.of("svc:80", "/");

  @Test
  void tokenBucketStartsFullAndRefillsPerInterval() {
    long now = 5 * SECOND;
    TokenBucket b = new TokenBucket(3, 2, SECOND, now);
    assertTrue(b.tryConsume(now));
    assertTrue(b.tryConsume(now));
    assertTrue(b.tryConsume(now));
    assertFalse(b.tryConsume(now + SECOND - 1));
    assertTrue(b.tryConsume(now + SECOND));
    assertTrue(b.tryConsume(now + SECOND));
    assertFalse(b.tryConsume(now + SECOND));
    // Ten intervals later the bucket is full again, not over-full.
    assertEquals(3, b.tokens(now + 11 * SECOND));
  }

  private static LocalRateLimit limit(int enabled, int enforced, long now) {
    return new LocalRateLimit("rl", 0, new TokenBucket(1, 1, SECOND, now), enabled, enforced,
        List.of(new Header("x-local-rate-limit", "true")), List.of(), 0, true);
  }

  @Test
  void enforcedLimitAnswers429WithHeaders() {
    Mesh mesh = new Mesh(1, new RoutePolicies(null, null,
        limit(LocalRateLimit.ALWAYS, LocalRateLimit.ALWAYS, 0), List.of()));
    RandomSource random = RandomSource.seeded(1);
    assertEquals(Routing.Result.ROUTED,
        Router.startCall(mesh.snapshot, mesh.table, REQ, random, 0).result());
    Routing limited = Router.startCall(mesh.snapshot, mesh.table, REQ, random, 0);
    assertEquals(Routing.Result.RATE_LIMITED, limited.result());
    assertEquals(429, limited.httpStatus());
    assertEquals("RL", limited.responseFlags());
    assertEquals(List.of(new Header("x-envoy-ratelimited", "true"),
        new Header("x-local-rate-limit", "true")), limited.localReply().headers());
    assertEquals(Routing.Result.ROUTED,
        Router.startCall(mesh.snapshot, mesh.table, REQ, random, SECOND).result());
  }

  @Test
  void filterEnabledAndEnforcedDefaultToZero() {
    RandomSource random = RandomSource.seeded(1);
    LocalRateLimit off = limit(0, 0, 0);
    for (int i = 0; i < 5; i++) {
      assertEquals(Verdict.ALLOWED, off.decide(REQ, "c", List.of(), random, 0));
    }
    LocalRateLimit shadow = limit(LocalRateLimit.ALWAYS, 0, 0);
    assertEquals(Verdict.ALLOWED, shadow.decide(REQ, "c", List.of(), random, 0));
    assertEquals(Verdict.LIMITED_NOT_ENFORCED, shadow.decide(REQ, "c", List.of(), random, 0));
  }

  @Test
  void descriptorsHaveTheirOwnBuckets() {
    LocalRateLimit.Descriptor premium = new LocalRateLimit.Descriptor(
        List.of(new RateLimitAction.Entry("tier", "premium")), new TokenBucket(2, 1, SECOND, 0));
    LocalRateLimit l = new LocalRateLimit("rl", 0, new TokenBucket(100, 1, SECOND, 0),
        LocalRateLimit.ALWAYS, LocalRateLimit.ALWAYS, List.of(), List.of(premium), 0, false);
    List<RateLimitPolicy> policies = List.of(new RateLimitPolicy(0,
        List.of(new RateLimitAction.RequestHeader("x-tier", "tier", false))));
    RandomSource random = RandomSource.seeded(1);
    TestRequest gold = TestRequest.of("svc:80", "/", "x-tier", "premium");
    assertEquals(Verdict.ALLOWED, l.decide(gold, "c", policies, random, 0));
    assertEquals(Verdict.ALLOWED, l.decide(gold, "c", policies, random, 0));
    assertEquals(Verdict.LIMITED, l.decide(gold, "c", policies, random, 0));
    // Other requests use the default bucket.
    assertEquals(Verdict.ALLOWED, l.decide(REQ, "c", policies, random, 0));
    assertEquals(Verdict.ALLOWED, l.decide(TestRequest.of("svc:80", "/", "x-tier", "basic"), "c",
        policies, random, 0));
  }

  @Test
  void routeOverrideReplacesTheListenerConfig() {
    LocalRateLimit listener = limit(LocalRateLimit.ALWAYS, LocalRateLimit.ALWAYS, 0);
    Mesh mesh = new Mesh(1, null, null, new RoutePolicies(null, null, LocalRateLimit.NONE,
        List.of()), new HttpFilters(null, listener, true));
    RandomSource random = RandomSource.seeded(1);
    for (int i = 0; i < 3; i++) {
      assertEquals(Routing.Result.ROUTED,
          Router.startCall(mesh.snapshot, mesh.table, REQ, random, 0).result());
    }
  }
}
