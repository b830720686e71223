package io.inmesh.policies.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.policies.HttpFilters;
import io.inmesh.policies.RandomSource;
import io.inmesh.policies.cluster.ClusterLoadBalancer;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.cluster.OutlierDetection;
import io.inmesh.policies.cluster.OutlierDetector;
import io.inmesh.policies.outcome.CallOutcome;
import io.inmesh.policies.route.RoutePolicies;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

  private static final long SECOND = 1_000_000_000L;

  /** DEFAULTS with the fields these tests vary. */
  static OutlierDetection config(int maxEjectionPercent, boolean split, int successRateHosts,
      int enforcingFailurePercentage) {
    OutlierDetection d = OutlierDetection.DEFAULTS;
    return new OutlierDetection(d.interval(), d.baseEjectionTime(), Duration.ofSeconds(70),
        maxEjectionPercent, d.consecutive5xx(), d.enforcingConsecutive5xx(),
        d.consecutiveGatewayFailure(), d.enforcingConsecutiveGatewayFailure(), split,
        3, d.enforcingConsecutiveLocalOriginFailure(), d.enforcingSuccessRate(),
        d.enforcingLocalOriginSuccessRate(), successRateHosts, d.successRateRequestVolume(),
        d.successRateStdevFactor(), d.failurePercentageThreshold(), enforcingFailurePercentage,
        d.enforcingFailurePercentageLocalOrigin(), successRateHosts,
        d.failurePercentageRequestVolume(), false);
  }

  private static Mesh mesh(int hosts, OutlierDetection od) {
    return new Mesh(hosts, null, od, RoutePolicies.NONE, HttpFilters.PER_ROUTE);
  }

  private static Set<Host> picked(ClusterLoadBalancer lb, int draws) {
    Set<Host> seen = new HashSet<>();
    RandomSource random = RandomSource.seeded(9);
    for (int i = 0; i < draws; i++) {
      seen.add(lb.pick(0, false, random));
    }
    return seen;
  }

  @Test
  void consecutive5xxEjectsAndTheHostReturnsAfterItsGrowingTime() {
    Mesh mesh = mesh(4, config(50, false, 5, 0));
    ClusterState state = mesh.state;
    OutlierDetector detector = state.outlierDetector();
    Host bad = state.loadBalancer().hosts().get(0);
    long now = 0;
    detector.evaluate(now); // starts the interval clock
    for (int i = 0; i < 4; i++) {
      detector.record(bad, CallOutcome.response(500), now);
    }
    assertFalse(bad.ejected());
    detector.record(bad, CallOutcome.response(500), now);
    assertTrue(bad.ejected());
    assertFalse(picked(state.loadBalancer(), 200).contains(bad));
    // base_ejection_time 30s: still out after 20s, back after 30s (evaluated every 10s).
    now += 20 * SECOND;
    detector.evaluate(now);
    assertTrue(bad.ejected());
    now += 10 * SECOND;
    assertTrue(detector.evaluate(now));
    assertFalse(bad.ejected());
    assertTrue(picked(state.loadBalancer(), 200).contains(bad));
    // Second ejection right away: 2 x 30s = 60s.
    for (int i = 0; i < 5; i++) {
      detector.record(bad, CallOutcome.response(503), now);
    }
    assertTrue(bad.ejected());
    assertEquals(2, bad.outlier().ejectionMultiplier());
    now += 50 * SECOND;
    detector.evaluate(now);
    assertTrue(bad.ejected());
    now += 10 * SECOND;
    detector.evaluate(now);
    assertFalse(bad.ejected());
  }

  @Test
  void successResetsTheConsecutiveCount() {
    Mesh mesh = mesh(4, config(50, false, 5, 0));
    OutlierDetector detector = mesh.state.outlierDetector();
    Host h = mesh.state.loadBalancer().hosts().get(1);
    for (int i = 0; i < 20; i++) {
      detector.record(h, CallOutcome.response(i % 4 == 3 ? 200 : 500), 0);
    }
    assertFalse(h.ejected());
  }

  @Test
  void maxEjectionPercentCapsEjections() {
    // Envoy's default 10% ejects nobody in a cluster of 5 (one host is 20%).
    Mesh small = mesh(5, OutlierDetection.DEFAULTS);
    Host h = small.state.loadBalancer().hosts().get(0);
    for (int i = 0; i < 5; i++) {
      small.state.outlierDetector().record(h, CallOutcome.response(500), 0);
    }
    assertFalse(h.ejected());
    Mesh mesh = mesh(4, config(50, false, 5, 0));
    List<Host> hosts = mesh.state.loadBalancer().hosts();
    for (Host host : hosts) {
      for (int i = 0; i < 5; i++) {
        mesh.state.outlierDetector().record(host, CallOutcome.CONNECT_FAILURE, 0);
      }
    }
    assertEquals(2, mesh.state.outlierDetector().ejectedHosts());
  }

  @Test
  void panicThresholdCountsEjectedHostsAsUnhealthy() {
    Mesh mesh = mesh(3, config(100, false, 5, 0));
    OutlierDetector detector = mesh.state.outlierDetector();
    List<Host> hosts = mesh.state.loadBalancer().hosts();
    for (int i = 0; i < 5; i++) {
      detector.record(hosts.get(0), CallOutcome.response(500), 0);
    }
    assertFalse(mesh.state.loadBalancer().inPanic(0));
    for (int i = 0; i < 5; i++) {
      detector.record(hosts.get(1), CallOutcome.response(500), 0);
    }
    // 1 of 3 available: 33% < 50%, so the balancer uses every host again.
    assertTrue(mesh.state.loadBalancer().inPanic(0));
    assertEquals(3, picked(mesh.state.loadBalancer(), 300).size());
  }

  @Test
  void successRateEjectsTheOutlier() {
    Mesh mesh = mesh(5, config(50, false, 5, 0));
    OutlierDetector detector = mesh.state.outlierDetector();
    List<Host> hosts = mesh.state.loadBalancer().hosts();
    detector.evaluate(0);
    for (int i = 0; i < 100; i++) {
      for (int h = 0; h < hosts.size(); h++) {
        // Host 0 fails every third request (never 5 in a row); the others never.
        boolean fail = h == 0 && i % 3 == 0;
        detector.record(hosts.get(h), CallOutcome.response(fail ? 500 : 200), 0);
      }
    }
    assertFalse(hosts.get(0).ejected());
    assertTrue(detector.evaluate(10 * SECOND));
    assertTrue(hosts.get(0).ejected());
    assertEquals(1, detector.ejectedHosts());
  }

  @Test
  void failurePercentageEjectsWhenEnforced() {
    OutlierDetection d = OutlierDetection.DEFAULTS;
    // Consecutive 5xx not enforced, success rate needs more hosts: only failure_percentage acts.
    OutlierDetection od = new OutlierDetection(d.interval(), d.baseEjectionTime(),
        d.maxEjectionTime(), 50, 5, 0, 5, 0, false, 5, 100, 100, 100, 100, 100, 1900, 85, 100,
        0, 5, 50, false);
    Mesh mesh = mesh(5, od);
    OutlierDetector detector = mesh.state.outlierDetector();
    List<Host> hosts = mesh.state.loadBalancer().hosts();
    detector.evaluate(0);
    for (int i = 0; i < 60; i++) {
      for (Host h : hosts) {
        boolean fail = h == hosts.get(2) && i % 10 != 0;
        detector.record(h, CallOutcome.response(fail ? 500 : 200), 0);
      }
    }
    assertFalse(hosts.get(2).ejected());
    assertTrue(detector.evaluate(10 * SECOND));
    assertTrue(hosts.get(2).ejected());
    assertEquals(1, detector.ejectedHosts());
  }

  @Test
  void splitLocalOriginErrorsCountSeparately() {
    Mesh mesh = mesh(4, config(50, true, 5, 0));
    OutlierDetector detector = mesh.state.outlierDetector();
    Host h = mesh.state.loadBalancer().hosts().get(3);
    // consecutive_local_origin_failure 3 in this config. Any response is a local-origin success
    // (the connection worked) and resets the count; 5xx responses count only as external.
    detector.record(h, CallOutcome.CONNECT_FAILURE, 0);
    detector.record(h, CallOutcome.TIMEOUT, 0);
    detector.record(h, CallOutcome.response(500), 0);
    detector.record(h, CallOutcome.CONNECT_FAILURE, 0);
    detector.record(h, CallOutcome.CONNECT_FAILURE, 0);
    assertFalse(h.ejected());
    detector.record(h, CallOutcome.TIMEOUT, 0);
    assertTrue(h.ejected());
  }

  @Test
  void ejectionSurvivesAnEndpointUpdate() {
    Mesh mesh = mesh(4, config(50, false, 5, 0));
    Host h = mesh.state.loadBalancer().hosts().get(0);
    for (int i = 0; i < 5; i++) {
      mesh.state.outlierDetector().record(h, CallOutcome.response(500), 0);
    }
    ClusterState next = ClusterState.of(mesh.state.cluster(), mesh.state.assignment(),
        mesh.state);
    Host same = next.loadBalancer().host(h.endpoint().address());
    assertTrue(same.ejected());
    assertFalse(picked(next.loadBalancer(), 200).contains(same));
  }
}
