package io.inmesh.policies.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.policies.HttpFilters;
import io.inmesh.policies.RandomSource;
import io.inmesh.policies.Router;
import io.inmesh.policies.Routing;
import io.inmesh.policies.TestRequest;
import io.inmesh.policies.cluster.CircuitBreaker;
import io.inmesh.policies.cluster.CircuitBreakers;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.outcome.CallOutcome;
import io.inmesh.policies.route.RoutePolicies;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private static final TestRequest REQ = TestRequest.of("svc:80", "/");

  @Test
  void maxRequestsOverflowsWith503UoAndRecoversWhenCallsEnd() {
    Mesh mesh = new Mesh(2, new CircuitBreakers(1024, 1024, 2, 3, null), null,
        RoutePolicies.NONE, HttpFilters.PER_ROUTE);
    RandomSource random = RandomSource.seeded(1);
    Routing a = Router.startCall(mesh.snapshot, mesh.table, REQ, random, 0);
    Routing b = Router.startCall(mesh.snapshot, mesh.table, REQ, random, 0);
    Routing c = Router.startCall(mesh.snapshot, mesh.table, REQ, random, 0);
    assertEquals(Routing.Result.ROUTED, b.result());
    assertEquals(Routing.Result.OVERFLOW, c.result());
    assertEquals(503, c.httpStatus());
    assertEquals("UO", c.responseFlags());
    a.guard().onOutcome(CallOutcome.response(200), a.host(), 0);
    assertEquals(Routing.Result.ROUTED,
        Router.startCall(mesh.snapshot, mesh.table, REQ, random, 0).result());
    // Plain routing (no startCall) admits nothing.
    assertEquals(Routing.Result.ROUTED, Router.route(mesh.snapshot, mesh.table, REQ).result());
  }

  @Test
  void pendingAndConnectionThresholds() {
    CircuitBreaker breaker = new CircuitBreaker(new CircuitBreakers(1, 1, 10, 3, null));
    assertTrue(breaker.tryStartPending());
    assertFalse(breaker.tryStartPending());
    breaker.pendingFinished();
    assertTrue(breaker.tryOpenConnection());
    assertFalse(breaker.tryOpenConnection());
    breaker.connectionClosed();
    assertEquals(0, breaker.openConnections());
    assertEquals(2, breaker.requestOverflows());
  }

  @Test
  void callsThatMayWaitQueueUpToMaxPendingRequestsForAFreeSlot() throws Exception {
    CircuitBreaker breaker = new CircuitBreaker(new CircuitBreakers(1024, 1, 1, 3, null));
    assertTrue(breaker.startRequest(0));
    assertFalse(breaker.startRequest(0), "a call that cannot wait overflows at once");
    java.util.concurrent.atomic.AtomicBoolean admitted =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread waiter = new Thread(() -> admitted.set(breaker.startRequest(30_000_000_000L)));
    waiter.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (breaker.pendingRequests() == 0 && System.nanoTime() < deadline) {
      Thread.yield();
    }
    assertEquals(1, breaker.pendingRequests(), "the second call waits");
    assertFalse(breaker.startRequest(30_000_000_000L), "max_pending_requests is 1: overflow");
    breaker.requestFinished();
    waiter.join(10_000);
    assertTrue(admitted.get(), "the waiting call took the freed slot");
    assertEquals(1, breaker.activeRequests());
    assertEquals(0, breaker.pendingRequests());
    assertFalse(breaker.startRequest(1), "a wait that runs out overflows");
    assertEquals(3, breaker.requestOverflows());
  }

  @Test
  void countsSurviveClusterUpdatesWithNewThresholds() {
    Mesh mesh = new Mesh(1, new CircuitBreakers(1024, 1024, 1, 3, null), null,
        RoutePolicies.NONE, HttpFilters.PER_ROUTE);
    Router.startCall(mesh.snapshot, mesh.table, REQ, RandomSource.seeded(1), 0);
    ClusterState next = ClusterState.of(mesh.state.cluster(), mesh.state.assignment(),
        mesh.state);
    assertEquals(1, next.circuitBreaker().activeRequests());
    assertFalse(next.circuitBreaker().startRequest(0));
  }
}
