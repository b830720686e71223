package io.inmesh.policies.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.policies.RandomSource;
import io.inmesh.policies.route.RouteTable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Envoy's listener and filter chain resolution, as istiod's sidecar output uses it. */
class OutboundListenersTest {

  private static final byte[] VIP = {127, 96, 0, 15};
  private static final byte[] POD = {127, 100, 0, 7};
  private static final byte[] ANY = {0, 0, 0, 0};

  private final RouteTable routes9080 = new RouteTable("9080", List.of());
  private final RouteTable routesVip = new RouteTable("reviews:9080", List.of());

  private static FilterChainMatch match(int port, List<Cidr> prefixes, Set<String> alpn) {
    return new FilterChainMatch(port, prefixes, List.of(), "", alpn, false);
  }

  private static FilterChain tcp(String name, String cluster) {
    return new FilterChain(name, FilterChainMatch.ANY, null,
        new TcpProxy(name, cluster, List.of()), null);
  }

  /** istiod's 0.0.0.0_9080: an HTTP chain for sniffed HTTP, passthrough for the rest. */
  private OutboundListener wildcard9080() {
    FilterChain http = new FilterChain("http", match(0, List.of(),
        Set.of("http/1.1", "h2c")), routes9080, null, null);
    return new OutboundListener("0.0.0.0_9080", ANY, 9080, List.of(http),
        tcp("PassthroughFilterChain", "PassthroughCluster"));
  }

  private OutboundListener vip5432() {
    FilterChain chain = new FilterChain("db", match(0, List.of(), Set.of()), null,
        new TcpProxy("db", "outbound|5432||ratings-db", List.of()), null);
    return new OutboundListener("127.96.0.15_5432", VIP, 5432, List.of(chain), null);
  }

  private OutboundListener virtualOutbound(String cluster) {
    return new OutboundListener("virtualOutbound", ANY, 15001, List.of(
        new FilterChain("virtualOutbound-blackhole", match(15001, List.of(), Set.of()), null,
            new TcpProxy("BlackHoleCluster", "BlackHoleCluster", List.of()), null),
        new FilterChain("virtualOutbound-catchall-tcp", FilterChainMatch.ANY, null,
            new TcpProxy(cluster, cluster, List.of()), null)), null);
  }

  @Test
  void httpCallsResolveThroughThePortsListenerWhateverTheHostName() {
    OutboundListeners listeners = new OutboundListeners(List.of(wildcard9080(), vip5432()),
        virtualOutbound("PassthroughCluster"), NameTable.EMPTY, Set.of("PassthroughCluster"));
    assertSame(routes9080, listeners.httpRoutes("reviews", 9080));
    assertSame(routes9080, listeners.httpRoutes("127.96.0.20", 9080));
    assertNull(listeners.httpRoutes("reviews", 9081), "no listener: pass through");
    assertNull(listeners.httpRoutes("127.96.0.15", 5432), "a TCP chain is not HTTP's business");
  }

  @Test
  void anExactListenerWinsOverTheWildcardOneForItsAddress() {
    FilterChain http = new FilterChain("vip-http", FilterChainMatch.ANY, routesVip, null, null);
    OutboundListener exact = new OutboundListener("127.96.0.15_9080", VIP, 9080, List.of(http),
        null);
    NameTable names = new NameTable(Map.of("reviews.default.svc.cluster.local", List.of(VIP)));
    OutboundListeners listeners = new OutboundListeners(List.of(wildcard9080(), exact), null,
        names, Set.of());
    assertSame(routesVip, listeners.httpRoutes("127.96.0.15", 9080));
    assertSame(routesVip, listeners.httpRoutes("reviews.default.svc.cluster.local", 9080),
        "resolved by the name table");
    assertSame(routes9080, listeners.httpRoutes("ratings", 9080));
  }

  @Test
  void exactListenersAreFoundAmongManyAndForIpv6() {
    List<OutboundListener> all = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] vip = {127, 96, (byte) (i >> 8), (byte) i};
      all.add(new OutboundListener("vip" + i, vip, 5432 + i % 3, List.of(tcp("c" + i, "c" + i)),
          null));
    }
    byte[] v6 = new byte[16];
    v6[15] = 1;
    all.add(new OutboundListener("v6", v6, 5432, List.of(tcp("v6", "v6")), null));
    OutboundListeners listeners = new OutboundListeners(all, null, NameTable.EMPTY, Set.of());
    for (int i = 0; i < 300; i += 7) {
      byte[] vip = {127, 96, (byte) (i >> 8), (byte) i};
      assertEquals("c" + i, listeners.tcpChain(vip, 5432 + i % 3).tcpProxy().cluster());
      assertNull(listeners.tcpChain(vip, 5432 + (i + 1) % 3));
    }
    assertEquals("v6", listeners.tcpChain(v6, 5432).tcpProxy().cluster());
  }

  @Test
  void tcpConnectionsFindTheirChainOrTheCatchAll() {
    OutboundListeners allowAny = new OutboundListeners(List.of(wildcard9080(), vip5432()),
        virtualOutbound("PassthroughCluster"), NameTable.EMPTY, Set.of("PassthroughCluster"));
    assertEquals("outbound|5432||ratings-db",
        allowAny.tcpChain(VIP, 5432).tcpProxy().cluster());
    assertEquals("PassthroughCluster", allowAny.tcpChain(POD, 9080).tcpProxy().cluster(),
        "an unsniffed connection on an HTTP port falls to the passthrough default chain");
    assertEquals("PassthroughCluster", allowAny.tcpChain(POD, 5432).tcpProxy().cluster());
    assertEquals("BlackHoleCluster", allowAny.tcpChain(POD, 15001).tcpProxy().cluster(),
        "virtualOutbound's own port is a loop");
    OutboundListeners registryOnly = new OutboundListeners(List.of(vip5432()),
        virtualOutbound("BlackHoleCluster"), NameTable.EMPTY, Set.of());
    assertEquals("BlackHoleCluster", registryOnly.tcpChain(POD, 3306).tcpProxy().cluster());
    assertNull(OutboundListeners.NONE.tcpChain(VIP, 5432));
  }

  @Test
  void chainsAreNarrowedInEnvoysOrder() {
    FilterChain portOnly = new FilterChain("port", match(5432, List.of(), Set.of()), null,
        new TcpProxy("port", "by-port", List.of()), null);
    FilterChain wide = new FilterChain("wide", match(0, List.of(Cidr.parse("127.96.0.0/16")),
        Set.of()), null, new TcpProxy("wide", "wide", List.of()), null);
    FilterChain narrow = new FilterChain("narrow", match(0, List.of(Cidr.parse("127.96.0.15/32")),
        Set.of()), null, new TcpProxy("narrow", "narrow", List.of()), null);
    OutboundListener l = new OutboundListener("0.0.0.0_5432", ANY, 5432,
        List.of(wide, narrow, portOnly), null);
    assertEquals("port", l.select(VIP, 5432, null).name(), "destination_port is decided first");
    OutboundListener noPort = new OutboundListener("x", ANY, 5432, List.of(wide, narrow), null);
    assertEquals("narrow", noPort.select(VIP, 5432, null).name(), "the longest prefix wins");
    assertEquals("wide", noPort.select(new byte[] {127, 96, 1, 1}, 5432, null).name());
    assertNull(noPort.select(POD, 5432, null), "no chain and no default chain");
    assertNull(noPort.select(null, 5432, null), "an unknown address matches no prefix");
    FilterChain sni = new FilterChain("sni", new FilterChainMatch(0, List.of(),
        List.of("db.example.com"), "", Set.of(), false), null,
        new TcpProxy("sni", "sni", List.of()), null);
    FilterChain tls = new FilterChain("tls", new FilterChainMatch(0, List.of(), List.of(), "tls",
        Set.of(), false), null, new TcpProxy("tls", "tls", List.of()), null);
    OutboundListener sniOnly = new OutboundListener("y", ANY, 443, List.of(sni, tls), null);
    assertNull(sniOnly.select(VIP, 443, null), "no SNI and no TLS are known for a connect");
  }

  @Test
  void cidrsMatchBitsNotBytes() {
    Cidr c = Cidr.parse("127.96.0.0/12");
    assertTrue(c.contains(new byte[] {127, 111, 1, 1}));
    assertFalse(c.contains(new byte[] {127, 112, 0, 0}));
    assertFalse(c.contains(new byte[16]), "families never mix");
    assertTrue(Cidr.parse("::/0").contains(new byte[16]));
    assertEquals("127.96.0.0/12", c.toString());
    assertNull(Cidr.literal("reviews.default"));
    assertEquals(4, Cidr.literal("127.0.0.1").length);
    assertEquals(16, Cidr.literal("[::1]").length);
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("127.0.0.1/33"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("reviews/8"));
  }

  @Test
  void weightedTcpClustersSplitByWeight() {
    TcpProxy proxy = new TcpProxy("split", null, List.of(
        new TcpProxy.WeightedCluster("v1", 90), new TcpProxy.WeightedCluster("v2", 10)));
    RandomSource random = RandomSource.seeded(7);
    int v2 = 0;
    for (int i = 0; i < 10_000; i++) {
      if ("v2".equals(proxy.pickCluster(random))) {
        v2++;
      }
    }
    assertTrue(v2 > 800 && v2 < 1200, "about 10% of 10,000: " + v2);
    assertEquals(List.of("v1", "v2"), proxy.clusterNames());
    assertThrows(IllegalArgumentException.class, () -> new TcpProxy("none", null, List.of()));
  }
}
