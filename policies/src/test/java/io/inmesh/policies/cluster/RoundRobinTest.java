package io.inmesh.policies.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

  private static Endpoint ep(int port, int weight, HealthStatus health) {
    return new Endpoint("127.0.0.1", port, weight, health);
  }

  @Test
  void weightsAreHonouredAndInterleaved() {
    RoundRobin rr = RoundRobin.over(List.of(ep(1, 3, HealthStatus.HEALTHY),
        ep(2, 1, HealthStatus.UNKNOWN)));
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      order.append(rr.next().port());
    }
    // smooth weighted round robin: 3:1 interleaves as a,a,b,a rather than a,a,a,b
    assertEquals("11211121", order.toString());
  }

  @Test
  void unhealthyEndpointsAreSkipped() {
    RoundRobin rr = RoundRobin.over(List.of(ep(1, 1, HealthStatus.UNHEALTHY),
        ep(2, 1, HealthStatus.HEALTHY), ep(3, 1, HealthStatus.DRAINING)));
    for (int i = 0; i < 5; i++) {
      assertEquals(2, rr.next().port());
    }
  }

  @Test
  void panicModeUsesAllEndpointsWhenNoneIsHealthy() {
    RoundRobin rr = RoundRobin.over(List.of(ep(1, 1, HealthStatus.UNHEALTHY),
        ep(2, 1, HealthStatus.UNHEALTHY)));
    Map<Integer, Integer> seen = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      seen.merge(rr.next().port(), 1, Integer::sum);
    }
    assertEquals(Map.of(1, 2, 2, 2), seen);
  }

  @Test
  void emptyClusterPicksNothing() {
    assertNull(RoundRobin.over(List.of()).next());
  }

  @Test
  void hugeWeightsAreScaledIntoABoundedSchedule() {
    Endpoint[] s = RoundRobin.schedule(List.of(ep(1, 1_000_000, HealthStatus.HEALTHY),
        ep(2, 3_000_001, HealthStatus.HEALTHY)));
    assertEquals(true, s.length <= RoundRobin.MAX_SCHEDULE + 2);
    long ones = java.util.Arrays.stream(s).filter(e -> e.port() == 1).count();
    assertEquals(0.25, (double) ones / s.length, 0.01);
  }
}
