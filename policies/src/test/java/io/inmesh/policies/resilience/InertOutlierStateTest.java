package io.inmesh.policies.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.policies.cluster.CircuitBreakers;
import io.inmesh.policies.cluster.ClusterLoadBalancer;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.HealthStatus;
import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.cluster.HostOutlier;
import io.inmesh.policies.cluster.LoadAssignment;
import io.inmesh.policies.cluster.OutlierDetection;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.cluster.UpstreamCluster.LbPolicy;
import io.inmesh.policies.outcome.CallOutcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hosts of clusters without {@code outlier_detection} share one inert state; a cluster update that
 * adds detection gives them live state, and the shared one is never written.
 */
class InertOutlierStateTest {

  private static final OutlierDetection DETECTION = OutlierDetectorTest.config(50, false, 5, 0);

  private static LoadAssignment assignment() {
    List<Endpoint> eps = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      eps.add(new Endpoint("127.96.0." + (i + 1), 8080, 1, HealthStatus.HEALTHY));
    }
    return LoadAssignment.of(eps);
  }

  private static UpstreamCluster cluster(OutlierDetection detection) {
    return new UpstreamCluster("c", "c", LbPolicy.ROUND_ROBIN, UpstreamCluster.LbConfig.DEFAULT,
        CircuitBreakers.DEFAULT, detection);
  }

  private static void fail5xx(ClusterState state, Host host, int times) {
    for (int i = 0; i < times; i++) {
      state.outlierDetector().record(host, CallOutcome.response(500), 0);
    }
  }

  @Test
  void withoutDetectionEveryHostSharesTheInertState() {
    ClusterState state = ClusterState.of(cluster(null), assignment(), null);
    for (Host h : state.loadBalancer().hosts()) {
      assertSame(HostOutlier.INERT, h.outlier());
    }
    fail5xx(state, state.loadBalancer().hosts().get(0), 20);
    assertFalse(HostOutlier.INERT.ejected());
    assertEquals(0, HostOutlier.INERT.ejectionCount());
  }

  @Test
  void anUpdateAddingDetectionGivesLiveStateThatLaterUpdatesKeep() {
    ClusterState plain = ClusterState.of(cluster(null), assignment(), null);
    ClusterState detecting = ClusterState.of(cluster(DETECTION), plain.assignment(), plain);
    List<Host> hosts = detecting.loadBalancer().hosts();
    for (Host h : hosts) {
      assertFalse(h.outlier().inert());
    }
    assertNotSame(hosts.get(0).outlier(), hosts.get(1).outlier());
    fail5xx(detecting, hosts.get(0), 5);
    assertTrue(hosts.get(0).ejected());
    assertFalse(hosts.get(1).ejected());

    ClusterState again = ClusterState.of(cluster(DETECTION), detecting.assignment(), detecting);
    Host same = again.loadBalancer().host(hosts.get(0).endpoint().address());
    assertSame(hosts.get(0).outlier(), same.outlier());
    assertTrue(same.ejected());

    // Detection removed: every host is available again; added back: fresh state.
    ClusterState off = ClusterState.of(cluster(null), again.assignment(), again);
    for (Host h : off.loadBalancer().hosts()) {
      assertSame(HostOutlier.INERT, h.outlier());
      assertTrue(h.available());
    }
    ClusterState on = ClusterState.of(cluster(DETECTION), off.assignment(), off);
    Host back = on.loadBalancer().host(hosts.get(0).endpoint().address());
    assertFalse(back.outlier().inert());
    assertFalse(back.ejected());
  }

  @Test
  void aCallRecordedWhileDetectionIsBeingRemovedLeavesTheSharedStateAlone() {
    ClusterState detecting = ClusterState.of(cluster(DETECTION), assignment(), null);
    // The next balancer is built before the detector adopts the update; a call that picked one of
    // its hosts records with the old configuration.
    ClusterLoadBalancer next = ClusterLoadBalancer.build(cluster(null), detecting.assignment(),
        detecting.loadBalancer());
    Host inert = next.hosts().get(0);
    assertSame(HostOutlier.INERT, inert.outlier());
    fail5xx(detecting, inert, 20);
    assertFalse(HostOutlier.INERT.ejected());
    assertEquals(0, detecting.outlierDetector().ejectedHosts());
    detecting.outlierDetector().evaluate(0);
    detecting.outlierDetector().evaluate(60_000_000_000L);
    assertFalse(HostOutlier.INERT.ejected());
  }
}
