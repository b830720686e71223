package io.inmesh.policies.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

  private static Host host(int port, int weight) {
    return new Host(new Endpoint("127.0.0.1", port, weight, HealthStatus.HEALTHY));
  }

  @Test
  void weightsAreHonouredAndInterleaved() {
    RoundRobin rr = new RoundRobin(List.of(host(1, 3), host(2, 1)));
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      order.append(rr.next().endpoint().port());
    }
    // smooth weighted round robin: 3:1 interleaves as a,a,b,a rather than a,a,a,b
    assertEquals("11211121", order.toString());
  }

  @Test
  void emptyPicksNothing() {
    assertNull(new RoundRobin(List.of()).next());
    assertTrue(new RoundRobin(List.of()).isEmpty());
  }

  @Test
  void hugeWeightsAreScaledIntoABoundedSchedule() {
    Host a = host(1, 1_000_000);
    Host b = host(2, 3_000_001);
    Host[] s = RoundRobin.schedule(new Host[] {a, b}, new long[] {1_000_000, 3_000_001});
    assertTrue(s.length <= RoundRobin.MAX_SCHEDULE + 2);
    long ones = java.util.Arrays.stream(s).filter(h -> h == a).count();
    assertEquals(0.25, (double) ones / s.length, 0.01);
  }
}
