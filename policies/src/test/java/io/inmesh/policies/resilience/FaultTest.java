package io.inmesh.policies.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.policies.HttpFilters;
import io.inmesh.policies.RandomSource;
import io.inmesh.policies.Router;
import io.inmesh.policies.Routing;
import io.inmesh.policies.TestRequest;
import io.inmesh.policies.fault.Fault;
import io.inmesh.policies.fault.FaultPolicy;
import io.inmesh.policies.outcome.CallOutcome;
import io.inmesh.policies.route.HeaderMatcher;
import io.inmesh.policies.route.RoutePolicies;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultTest {

  private static final TestRequest REQ = TestRequest.of("svc:80", "/");

  @Test
  void percentagesAreDrawnWithTheInjectedRandomness() {
    FaultPolicy p = new FaultPolicy(new FaultPolicy.Delay(Duration.ofSeconds(2), 250_000),
        new FaultPolicy.Abort(503, -1, false, 100_000), "", List.of(), List.of(), -1);
    RandomSource random = RandomSource.seeded(42);
    int delays = 0;
    int aborts = 0;
    for (int i = 0; i < 10_000; i++) {
      Fault f = p.draw(REQ, "c", random);
      if (f != null) {
        delays += f.delayNanos() > 0 ? 1 : 0;
        aborts += f.aborts() ? 1 : 0;
        f.end();
      }
    }
    // 25% and 10% of 10,000 with a fixed seed: exact counts are deterministic, bounds are loose.
    assertTrue(delays > 2300 && delays < 2700, "delays " + delays);
    assertTrue(aborts > 850 && aborts < 1150, "aborts " + aborts);
    assertEquals(0, p.active().get());
  }

  @Test
  void abortIsALocalReplyAfterTheDelay() {
    FaultPolicy p = new FaultPolicy(new FaultPolicy.Delay(Duration.ofMillis(100),
        FaultPolicy.ALWAYS), new FaultPolicy.Abort(418, -1, false, FaultPolicy.ALWAYS), "",
        List.of(), List.of(), -1);
    Mesh mesh = new Mesh(1, new RoutePolicies(null, p, null, List.of()));
    Routing r = Router.startCall(mesh.snapshot, mesh.table, REQ, RandomSource.seeded(1), 0);
    assertEquals(Routing.Result.FAULT_ABORT, r.result());
    assertEquals(418, r.httpStatus());
    assertEquals(Duration.ofMillis(100), r.fault().delay());
    assertEquals("DI,FI", r.responseFlags());
    assertEquals(0, mesh.state.circuitBreaker().activeRequests());
  }

  @Test
  void grpcAbortAnswers200WithGrpcStatus() {
    FaultPolicy p = new FaultPolicy(null, new FaultPolicy.Abort(0, 14, false,
        FaultPolicy.ALWAYS), "", List.of(), List.of(), -1);
    Mesh mesh = new Mesh(1, new RoutePolicies(null, p, null, List.of()));
    Routing r = Router.startCall(mesh.snapshot, mesh.table, REQ, RandomSource.seeded(1), 0);
    assertEquals(200, r.httpStatus());
    assertTrue(r.localReply().headers().stream()
        .anyMatch(h -> h.name().equals("grpc-status") && h.value().equals("14")));
  }

  @Test
  void delayOnlyRoutesAndTheGuardEndsTheFault() {
    FaultPolicy p = new FaultPolicy(new FaultPolicy.Delay(Duration.ofSeconds(1),
        FaultPolicy.ALWAYS), null, "", List.of(), List.of(), 1);
    Mesh mesh = new Mesh(1, new RoutePolicies(null, p, null, List.of()));
    Routing r = Router.startCall(mesh.snapshot, mesh.table, REQ, RandomSource.seeded(1), 0);
    assertEquals(Routing.Result.ROUTED, r.result());
    assertEquals("DI", r.responseFlags());
    // max_active_faults 1: a second concurrent request is not delayed.
    Routing second = Router.startCall(mesh.snapshot, mesh.table, REQ, RandomSource.seeded(1), 0);
    assertNull(second.fault());
    r.guard().onOutcome(CallOutcome.response(200), r.host(), 0);
    assertEquals(0, p.active().get());
    Routing third = Router.startCall(mesh.snapshot, mesh.table, REQ, RandomSource.seeded(1), 0);
    assertNotNull(third.fault());
  }

  @Test
  void headerControlledFaultsAndMatchers() {
    FaultPolicy p = new FaultPolicy(new FaultPolicy.Delay(null, FaultPolicy.ALWAYS),
        new FaultPolicy.Abort(0, -1, true, FaultPolicy.ALWAYS), "c",
        List.of(HeaderMatcher.ofPresent("x-chaos", true, false)), List.of(), -1);
    RandomSource random = RandomSource.seeded(3);
    assertNull(p.draw(REQ, "c", random), "headers must match");
    TestRequest chaos = TestRequest.of("svc:80", "/", "x-chaos", "1",
        FaultPolicy.DELAY_HEADER, "250", FaultPolicy.ABORT_HEADER, "429");
    Fault f = p.draw(chaos, "c", random);
    assertEquals(Duration.ofMillis(250), f.delay());
    assertEquals(429, f.httpStatus());
    assertNull(p.draw(chaos, "other", random), "upstream_cluster must match");
    TestRequest zero = TestRequest.of("svc:80", "/", "x-chaos", "1",
        FaultPolicy.ABORT_HEADER, "503", FaultPolicy.ABORT_PERCENT_HEADER, "0");
    assertNull(p.draw(zero, "c", random), "a header percentage lowers the configured one");
  }

  @Test
  void routeOverrideAppliesOnlyWhenTheListenerHasTheFilter() {
    FaultPolicy p = new FaultPolicy(null, new FaultPolicy.Abort(503, -1, false,
        FaultPolicy.ALWAYS), "", List.of(), List.of(), -1);
    Mesh without = new Mesh(1, null, null, new RoutePolicies(null, p, null, List.of()),
        HttpFilters.NONE);
    assertEquals(Routing.Result.ROUTED, Router.startCall(without.snapshot, without.table, REQ,
        RandomSource.seeded(1), 0).result());
    Mesh listenerLevel = new Mesh(1, null, null, RoutePolicies.NONE,
        new HttpFilters(p, null, false));
    assertEquals(Routing.Result.FAULT_ABORT, Router.startCall(listenerLevel.snapshot,
        listenerLevel.table, REQ, RandomSource.seeded(1), 0).result());
    Mesh disabledOnRoute = new Mesh(1, null, null,
        new RoutePolicies(null, FaultPolicy.NONE, null, List.of()), new HttpFilters(p, null,
        false));
    assertEquals(Routing.Result.ROUTED, Router.startCall(disabledOnRoute.snapshot,
        disabledOnRoute.table, REQ, RandomSource.seeded(1), 0).result());
  }
}
