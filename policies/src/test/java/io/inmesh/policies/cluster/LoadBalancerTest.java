package io.inmesh.policies.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.policies.RandomSource;
import io.inmesh.policies.cluster.UpstreamCluster.LbConfig;
import io.inmesh.policies.cluster.UpstreamCluster.LbPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Balancers and the priority/locality layer, with fixed seeds; no timing. */
class LoadBalancerTest {

  private static Endpoint ep(String host, int weight, HealthStatus health) {
    return new Endpoint(host, 80, weight, health);
  }

  private static Endpoint ok(String host) {
    return ep(host, 1, HealthStatus.HEALTHY);
  }

  private static Endpoint bad(String host) {
    return ep(host, 1, HealthStatus.UNHEALTHY);
  }

  private static Map<String, Integer> counts(LoadBalancer lb, int n, RandomSource random) {
    Map<String, Integer> c = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Host h = lb.pick(0, false, random);
      c.merge(h == null ? "none" : h.endpoint().host(), 1, Integer::sum);
    }
    return c;
  }

  private static ClusterLoadBalancer build(LbPolicy policy, LbConfig config,
      LocalityEndpoints... localities) {
    return ClusterLoadBalancer.build(new UpstreamCluster("c", "c", policy, config),
        new LoadAssignment(List.of(localities), 140), null);
  }

  private static LocalityEndpoints loc(String name, int weight, int priority, Endpoint... eps) {
    return new LocalityEndpoints(name, weight, priority, List.of(eps));
  }

  @Test
  void leastRequestPrefersTheIdleHost() {
    List<Host> hosts = List.of(new Host(ok("a")), new Host(ok("b")), new Host(ok("c")));
    for (int i = 0; i < 10; i++) {
      hosts.get(0).activeRequests().started();
    }
    hosts.get(1).activeRequests().started();
    LeastRequest lr = new LeastRequest(hosts, 2, 1.0, false);
    Map<String, Integer> c = counts(lr, 9000, RandomSource.seeded(1));
    // P2C: a is picked only when both draws are a (1/9).
    assertEquals(1000, c.getOrDefault("a", 0), 150);
    assertTrue(c.get("c") > c.get("b"), c.toString());
    LeastRequest scan = new LeastRequest(hosts, 2, 1.0, true);
    assertEquals(Map.of("c", 100), counts(scan, 100, RandomSource.seeded(2)));
    hosts.get(0).activeRequests().finished();
    assertEquals(9, hosts.get(0).activeRequests().count());
  }

  @Test
  void weightedLeastRequestDividesWeightByActiveRequests() {
    List<Host> hosts = List.of(new Host(ep("a", 3, HealthStatus.HEALTHY)),
        new Host(ep("b", 1, HealthStatus.HEALTHY)));
    LeastRequest lr = new LeastRequest(hosts, 2, 1.0, false);
    assertEquals(7500, counts(lr, 10_000, RandomSource.seeded(3)).get("a"), 200);
    hosts.get(0).activeRequests().started();
    hosts.get(0).activeRequests().started();
    // a: 3 / (2 + 1) = 1, b: 1 / 1 = 1
    assertEquals(5000, counts(lr, 10_000, RandomSource.seeded(3)).get("a"), 200);
  }

  @Test
  void randomIsUniform() {
    RandomBalancer r = new RandomBalancer(List.of(new Host(ok("a")), new Host(ok("b")),
        new Host(ep("c", 100, HealthStatus.HEALTHY))));
    Map<String, Integer> c = counts(r, 30_000, RandomSource.seeded(4));
    for (String h : List.of("a", "b", "c")) {
      assertEquals(10_000, c.get(h), 300);
    }
    assertNull(new RandomBalancer(List.of()).pick(0, false, RandomSource.seeded(1)));
  }

  private static Map<String, Integer> hashCounts(LoadBalancer lb, int keys) {
    Map<String, Integer> c = new HashMap<>();
    for (int k = 0; k < keys; k++) {
      c.merge(lb.pick(XxHash64.hash("key" + k), true, null).endpoint().host(), 1,
          Integer::sum);
    }
    return c;
  }

  @Test
  void ringHashFollowsWeightsAndIsStable() {
    List<Host> hosts = List.of(new Host(ok("a")), new Host(ok("b")), new Host(ok("c")));
    RingHash ring = new RingHash(hosts, new double[] {0.5, 0.25, 0.25}, 1024, 8_000_000, false);
    // Envoy: scale = ceil(0.25 * 1024) / 0.25 = 1024 entries, a 512/256/256 split.
    assertEquals(1024, ring.size());
    Map<String, Integer> c = hashCounts(ring, 20_000);
    assertEquals(10_000, c.get("a"), 1000);
    assertEquals(5_000, c.get("b"), 700);
    // Removing c moves c's keys and only a few others (entries are added, not reshuffled).
    RingHash without = new RingHash(hosts.subList(0, 2), new double[] {2 / 3.0, 1 / 3.0}, 1024,
        8_000_000, false);
    int moved = 0;
    int kept = 0;
    for (int k = 0; k < 5000; k++) {
      long h = XxHash64.hash("key" + k);
      String before = ring.pick(h, true, null).endpoint().host();
      if (!before.equals("c")) {
        if (before.equals(without.pick(h, true, null).endpoint().host())) {
          kept++;
        } else {
          moved++;
        }
      }
    }
    assertTrue(moved * 5 < kept, moved + " moved, " + kept + " kept");
    assertEquals(16, new RingHash(hosts, new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, 16, 16, false)
        .size(), "the ring is capped by maximum_ring_size");
  }

  @Test
  void maglevFollowsWeightsAndIsStable() {
    List<Host> hosts = List.of(new Host(ok("a")), new Host(ok("b")));
    Maglev m = new Maglev(hosts, new double[] {0.75, 0.25}, 65537, false);
    Map<String, Integer> c = hashCounts(m, 20_000);
    assertEquals(15_000, c.get("a"), 800);
    Maglev again = new Maglev(hosts, new double[] {0.75, 0.25}, 65537, false);
    for (int k = 0; k < 100; k++) {
      long h = XxHash64.hash("k" + k);
      assertSame(m.pick(h, true, null), again.pick(h, true, null));
    }
  }

  @Test
  void xxHash64MatchesTheReference() {
    // Reference values of XXH64 with seed 0.
    assertEquals(0xEF46DB3751D8E999L, XxHash64.hash(""));
    assertEquals(0xD24EC4F1A98C6E5BL, XxHash64.hash("a"));
    assertEquals(0x44BC2CF5AD770999L, XxHash64.hash("abc"));
    String longer = "0123456789abcdefghijklmnopqrstuvwxyz0123456789";
    assertEquals(XxHash64.hash(longer.getBytes(), 0), XxHash64.hash(longer));
    assertEquals(XxHash64.hash("é".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0),
        XxHash64.hash("é"));
  }

  @Test
  void priorityZeroKeepsTrafficUntilItsHealthDropsBelowOverprovisioning() {
    // 4 of 5 healthy: 140 * 4 / 5 = 112 -> 100%: P0 keeps everything.
    ClusterLoadBalancer lb = build(LbPolicy.ROUND_ROBIN, LbConfig.DEFAULT,
        loc("z0", 0, 0, ok("a1"), ok("a2"), ok("a3"), ok("a4"), bad("a5")),
        loc("z1", 0, 1, ok("b1")));
    assertArrayEquals(new int[] {100, 0}, lb.priorityLoad());
    // 3 of 5 healthy: 140 * 3 / 5 = 84 -> P0 84%, P1 16%.
    lb = build(LbPolicy.ROUND_ROBIN, LbConfig.DEFAULT,
        loc("z0", 0, 0, ok("a1"), ok("a2"), ok("a3"), bad("a4"), bad("a5")),
        loc("z1", 0, 1, ok("b1")));
    assertArrayEquals(new int[] {84, 16}, lb.priorityLoad());
    Map<String, Integer> c = counts(lb, 10_000, RandomSource.seeded(5));
    assertEquals(1600, c.get("b1"), 150);
    assertFalse(c.containsKey("a4"));
    assertFalse(lb.inPanic(0));
  }

  @Test
  void panicUsesAllHostsOfThePriority() {
    // 1 of 3 healthy = 33% < 50%: panic; health 46 -> rest spills to P1.
    ClusterLoadBalancer lb = build(LbPolicy.ROUND_ROBIN, LbConfig.DEFAULT,
        loc("z0", 0, 0, ok("a1"), bad("a2"), bad("a3")),
        loc("z1", 0, 1, ok("b1")));
    assertTrue(lb.inPanic(0));
    assertArrayEquals(new int[] {46, 54}, lb.priorityLoad());
    Map<String, Integer> c = counts(lb, 9000, RandomSource.seeded(6));
    assertTrue(c.containsKey("a2"), "unhealthy hosts of a panicking priority get traffic");
    LbConfig noPanic = new LbConfig(1024, 8_000_000, 65537, 2, 1.0, false, 0, false, false,
        LbConfig.DEFAULT_OVERRIDE_HOST_STATUS);
    ClusterLoadBalancer strict = build(LbPolicy.ROUND_ROBIN, noPanic,
        loc("z0", 0, 0, ok("a1"), bad("a2"), bad("a3")));
    assertFalse(strict.inPanic(0));
    assertEquals(Map.of("a1", 100), counts(strict, 100, RandomSource.seeded(6)));
    ClusterLoadBalancer dead = build(LbPolicy.ROUND_ROBIN, noPanic, loc("z0", 0, 0, bad("a")));
    assertNull(dead.pick(0, false, RandomSource.seeded(1)), "no panic, nothing healthy");
  }

  @Test
  void totalPanicSpreadsByHostCount() {
    ClusterLoadBalancer lb = build(LbPolicy.ROUND_ROBIN, LbConfig.DEFAULT,
        loc("z0", 0, 0, bad("a1")), loc("z1", 0, 1, bad("b1"), bad("b2"), bad("b3")));
    assertArrayEquals(new int[] {25, 75}, lb.priorityLoad());
    assertTrue(lb.inPanic(0) && lb.inPanic(1));
  }

  @Test
  void localityWeightsSplitTrafficAndFollowHealth() {
    ClusterLoadBalancer lb = build(LbPolicy.ROUND_ROBIN, LbConfig.DEFAULT,
        loc("r/z1/", 3, 0, ok("a1"), ok("a2")), loc("r/z2/", 1, 0, ok("b1")));
    Map<String, Integer> c = counts(lb, 8000, RandomSource.seeded(8));
    assertEquals(6000, c.get("a1") + c.get("a2"), 200);
    assertEquals(2000, c.get("b1"), 200);
    // Half of z1 unhealthy: 3 * min(1, 1.4 * 0.5) = 2.1 vs 1.
    lb = build(LbPolicy.ROUND_ROBIN, LbConfig.DEFAULT,
        loc("r/z1/", 3, 0, ok("a1"), bad("a2")), loc("r/z2/", 1, 0, ok("b1"), ok("b2")));
    c = counts(lb, 10_000, RandomSource.seeded(8));
    assertEquals(10_000 * 2.1 / 3.1, c.get("a1"), 250);
    // Without locality weights all hosts of the priority are balanced together.
    lb = build(LbPolicy.ROUND_ROBIN, LbConfig.DEFAULT, loc("z1", 0, 0, ok("a1"), ok("a2")),
        loc("z2", 0, 0, ok("b1")));
    c = counts(lb, 3000, RandomSource.seeded(8));
    assertEquals(Map.of("a1", 1000, "a2", 1000, "b1", 1000), c);
  }

  @Test
  void ringHashFoldsLocalityWeightsIntoHostWeights() {
    ClusterLoadBalancer lb = build(LbPolicy.RING_HASH, LbConfig.DEFAULT,
        loc("z1", 3, 0, ok("a1")), loc("z2", 1, 0, ok("b1"), ok("b2")));
    assertTrue(lb.usesHash());
    Map<String, Integer> c = hashCounts(lb, 20_000);
    assertEquals(15_000, c.get("a1"), 1000);
  }

  @Test
  void activeRequestCountersSurviveARebuild() {
    UpstreamCluster cluster = new UpstreamCluster("c", "c", LbPolicy.LEAST_REQUEST);
    ClusterLoadBalancer first = ClusterLoadBalancer.build(cluster,
        LoadAssignment.of(List.of(ok("a"), ok("b"))), null);
    Host a = first.host("a:80");
    a.activeRequests().started();
    ClusterLoadBalancer second = ClusterLoadBalancer.build(cluster,
        LoadAssignment.of(List.of(ok("a"), ok("c"))), first);
    assertSame(a.activeRequests(), second.host("a:80").activeRequests());
    assertEquals(1, second.host("a:80").activeRequests().count());
    assertEquals(0, second.host("c:80").activeRequests().count());
    List<String> order = new ArrayList<>();
    for (Host h : second.hosts()) {
      order.add(h.endpoint().host());
    }
    assertEquals(List.of("a", "c"), order);
  }
}
