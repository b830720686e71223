package io.inmesh.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.api.Mesh;
import io.inmesh.api.RoutedAddress;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.CircuitBreakers;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.HealthStatus;
import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.cluster.LoadAssignment;
import io.inmesh.policies.cluster.OutlierDetection;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.listener.FilterChain;
import io.inmesh.policies.listener.FilterChainMatch;
import io.inmesh.policies.listener.NameTable;
import io.inmesh.policies.listener.OutboundListener;
import io.inmesh.policies.listener.OutboundListeners;
import io.inmesh.policies.listener.TcpProxy;
import io.inmesh.policies.ratelimit.TokenBucket;
import io.inmesh.policies.route.RouteTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connections routed at connect time through the real runtime code, a real snapshot and real
 * loopback sockets: the test dials what {@link TcpRouting#connect} returns, as the advice makes
 * the JDK do, and reports the outcome as the advice does.
 */
class TcpRoutingTest {

  private static final byte[] VIP = {127, 96, 0, 15};
  private static final byte[] ANY = {0, 0, 0, 0};
  private static final String DB = "outbound|5432||ratings-db.default.svc.cluster.local";
  private static final String DB_HOST = "ratings-db.default.svc.cluster.local";

  private final List<LineServer> servers = new ArrayList<>();

  @AfterEach
  void stopServers() throws IOException {
    for (LineServer s : servers) {
      s.close();
    }
  }

  // --- the mesh: istiod's sidecar shapes, built from the model directly

  private static FilterChain tcp(String name, String cluster, TokenBucket limit) {
    return new FilterChain(name, FilterChainMatch.ANY, null,
        new TcpProxy(name, cluster, List.of()), limit);
  }

  /** {@code 127.96.0.15_5432} with tcp_proxy to the database cluster. */
  private static OutboundListener vip5432(TokenBucket limit) {
    return new OutboundListener("127.96.0.15_5432", VIP, 5432,
        List.of(tcp("outbound|5432||ratings-db", DB, limit)), null);
  }

  /** {@code 0.0.0.0_9080}: HTTP (RDS 9080). */
  private static OutboundListener http9080() {
    return new OutboundListener("0.0.0.0_9080", ANY, 9080, List.of(new FilterChain("http",
        FilterChainMatch.ANY, new RouteTable("9080", List.of()), null, null)), null);
  }

  /** {@code virtualOutbound}: its catch-all chain goes to Passthrough- or BlackHoleCluster. */
  private static OutboundListener virtualOutbound(String cluster) {
    return new OutboundListener("virtualOutbound", ANY, 15001, List.of(
        new FilterChain("virtualOutbound-blackhole", new FilterChainMatch(15001, List.of(),
            List.of(), "", Set.of(), false), null,
            new TcpProxy("BlackHoleCluster", "BlackHoleCluster", List.of()), null),
        tcp("virtualOutbound-catchall-tcp", cluster, null)), null);
  }

  private static ClusterState cluster(String name, OutlierDetection outlier, Endpoint... eps) {
    return ClusterState.of(new UpstreamCluster(name, name, UpstreamCluster.LbPolicy.RANDOM,
        UpstreamCluster.LbConfig.DEFAULT, CircuitBreakers.DEFAULT, outlier),
        LoadAssignment.of(List.of(eps)), null);
  }

  private static Endpoint endpoint(int port) {
    return new Endpoint("127.0.0.1", port, 1, HealthStatus.HEALTHY);
  }

  private static MeshSnapshot snapshot(List<OutboundListener> listeners, String outboundPolicy,
      ClusterState... clusters) {
    Map<String, ClusterState> map = new HashMap<>();
    for (ClusterState c : clusters) {
      map.put(c.cluster().name(), c);
    }
    NameTable names = new NameTable(Map.of(DB_HOST, List.of(VIP), "ratings-db.default",
        List.of(VIP)));
    return new MeshSnapshot(Map.of(), map, 1, new OutboundListeners(listeners,
        outboundPolicy == null ? null : virtualOutbound(outboundPolicy), names,
        Set.of("PassthroughCluster")));
  }

  private static TcpRouting routing(MeshSnapshot snapshot, Exclusions exclusions,
      InetSocketAddress ownListener) {
    MeshSource source = new MeshSource() {
      @Override
      public MeshSnapshot snapshot() {
        return snapshot;
      }

      @Override
      public RouteTable routesFor(String target, String host, int port) {
        return null;
      }
    };
    // the production check: the bootstrap API's entry is never on these tests' stacks
    return new TcpRouting(source, exclusions, new EndpointIps(), ownListener,
        new AgentFrames(TcpRoutingTest.class.getClassLoader(), Mesh.class), new UpstreamTlsStep());
  }

  private static TcpRouting routing(MeshSnapshot snapshot) {
    return routing(snapshot, Exclusions.parse(null, null, null), null);
  }

  private LineServer server() throws IOException {
    LineServer s = new LineServer();
    servers.add(s);
    return s;
  }

  private static InetSocketAddress vip(int port) throws IOException {
    return new InetSocketAddress(InetAddress.getByAddress(VIP), port);
  }

  /** Dials as the advice makes the JDK dial: the mesh's address, or the application's. */
  private static String dial(TcpRouting routing, SocketAddress destination) throws IOException {
    SocketAddress routed = routing.connect(new Object(), destination);
    SocketAddress dialled = routed == null ? destination : routed;
    try (Socket socket = new Socket()) {
      try {
        socket.connect(dialled, 2000);
      } catch (IOException e) {
        if (dialled instanceof RoutedAddress r) {
          routing.connectEnded(r, e);
        }
        throw e;
      }
      if (dialled instanceof RoutedAddress r) {
        routing.connectEnded(r, null);
      }
      socket.setSoTimeout(5000);
      return new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8)).readLine();
    }
  }

  // --- tests

  @Test
  void aConnectionToTheVipReachesTheClustersEndpoint() throws IOException {
    LineServer db = server();
    TcpRouting routing = routing(snapshot(List.of(vip5432(null)), null,
        cluster(DB, null, endpoint(db.port()))));

    SocketAddress routed = routing.connect(new Object(), vip(5432));
    RoutedAddress r = assertInstanceOf(RoutedAddress.class, routed);
    assertEquals(new InetSocketAddress("127.0.0.1", db.port()), r);
    assertEquals("hello from " + db.port(), dial(routing, vip(5432)));
  }

  @Test
  void maxConnectionsBoundsTheOpenConnectionsOfACluster() throws IOException {
    LineServer db = server();
    ClusterState limited = ClusterState.of(new UpstreamCluster(DB, DB,
        UpstreamCluster.LbPolicy.RANDOM, UpstreamCluster.LbConfig.DEFAULT,
        new CircuitBreakers(2, 1024, 1024, 3, null), null),
        LoadAssignment.of(List.of(endpoint(db.port()))), null);
    TcpRouting routing = routing(snapshot(List.of(vip5432(null)), null, limited));
    Socket first = new Socket();
    Socket second = new Socket();
    Socket third = new Socket();
    assertInstanceOf(RoutedAddress.class, routing.connect(first, vip(5432)));
    assertInstanceOf(RoutedAddress.class, routing.connect(second, vip(5432)));
    ConnectException refused = assertThrows(ConnectException.class,
        () -> routing.connect(third, vip(5432)));
    assertTrue(refused.getMessage().contains("max_connections (2)"), refused.getMessage());
    assertEquals(1, limited.circuitBreaker().requestOverflows());
    routing.closed(first);
    routing.closed(first); // a second close gives nothing back twice
    assertEquals(1, limited.circuitBreaker().openConnections());
    RoutedAddress again = assertInstanceOf(RoutedAddress.class, routing.connect(third, vip(5432)));
    routing.connectEnded(again, new ConnectException("refused")); // a failed connect gives back
    assertEquals(1, limited.circuitBreaker().openConnections());
    routing.closed(second);
    routing.closed(new Socket()); // never routed: nothing to give back
    assertEquals(0, limited.circuitBreaker().openConnections());
  }

  @Test
  void aHostNameDnsDoesNotKnowResolvesThroughTheNameTable() throws IOException {
    LineServer db = server();
    TcpRouting routing = routing(snapshot(List.of(vip5432(null)), null,
        cluster(DB, null, endpoint(db.port()))));

    InetSocketAddress byName = InetSocketAddress.createUnresolved(DB_HOST, 5432);
    RoutedAddress r = assertInstanceOf(RoutedAddress.class, routing.connect(new Object(), byName));
    assertEquals(DB_HOST, r.getHostString(), "the application's name stays on the address");
    assertEquals("hello from " + db.port(), dial(routing, byName));
    assertEquals("hello from " + db.port(),
        dial(routing, InetSocketAddress.createUnresolved("ratings-db.default", 5432)));
    assertNull(routing.connect(new Object(), InetSocketAddress.createUnresolved("unknown.example", 5432)),
        "a name neither DNS nor the table knows is the JDK's to fail");
  }

  @Test
  void withoutListenersNothingIsTouched() throws IOException {
    LineServer db = server();
    MeshSnapshot proxyless = new MeshSnapshot(Map.of(), Map.of(DB,
        cluster(DB, null, endpoint(db.port()))), 1);
    assertNull(routing(proxyless).connect(new Object(), vip(5432)));
    assertNull(routing(MeshSnapshot.EMPTY).connect(new Object(), vip(5432)));
  }

  @Test
  void aDestinationWithoutListenerOrCatchAllIsLeftAlone() throws IOException {
    TcpRouting routing = routing(snapshot(List.of(vip5432(null)), null));
    assertNull(routing.connect(new Object(), vip(5433)));
    assertNull(routing.connect(new Object(), new InetSocketAddress("127.96.0.16", 5432)));
  }

  @Test
  void httpChainsAreLeftToTheHttpInstrumentation() throws IOException {
    TcpRouting routing = routing(snapshot(List.of(http9080()), "BlackHoleCluster"));
    assertNull(routing.connect(new Object(), vip(9080)));
  }

  @Test
  void aListenerThatSniffsHttpIsLeftToTheHttpInstrumentation() throws IOException {
    // istiod's chains for a port whose protocol it detects: HTTP by ALPN, TCP for the rest
    OutboundListener detected = new OutboundListener("127.96.0.15_8000", VIP, 8000, List.of(
        new FilterChain("http", new FilterChainMatch(0, List.of(), List.of(), "",
            Set.of(OutboundListener.HTTP1, OutboundListener.H2C), false),
            new RouteTable("8000", List.of()), null, null),
        tcp("tcp", "BlackHoleCluster", null)), null);
    TcpRouting routing = routing(snapshot(List.of(detected), null));
    assertNull(routing.connect(new Object(), vip(8000)), "not refused on a guess of its protocol");
  }

  @Test
  void allowAnyPassesUnknownDestinationsThrough() throws IOException {
    TcpRouting routing = routing(snapshot(List.of(vip5432(null)), "PassthroughCluster"));
    assertNull(routing.connect(new Object(), new InetSocketAddress("127.96.0.99", 3306)));
  }

  @Test
  void registryOnlyRefusesUnknownDestinations() throws IOException {
    LineServer other = server();
    TcpRouting routing = routing(snapshot(List.of(vip5432(null)), "BlackHoleCluster"));
    InetSocketAddress unknown = new InetSocketAddress("127.0.0.1", other.port());

    ConnectException refused = assertThrows(ConnectException.class,
        () -> routing.connect(new Object(), unknown));
    assertTrue(refused.getMessage().contains("127.0.0.1:" + other.port()), refused.getMessage());
    assertTrue(refused.getMessage().contains("BlackHoleCluster"), refused.getMessage());
    assertEquals(0, other.accepted(), "a refused connection never reaches the network");
  }

  @Test
  void theMeshsOwnEndpointsAreNeverRoutedAgain() throws IOException {
    LineServer pod = server();
    // an HTTP call routed to a pod IP on a port without a listener of its own lands in
    // virtualOutbound; REGISTRY_ONLY must not black-hole the mesh's own choice
    TcpRouting routing = routing(snapshot(List.of(vip5432(null)), "BlackHoleCluster",
        cluster("outbound|9080||reviews", null, endpoint(pod.port()))));
    InetSocketAddress podIp = new InetSocketAddress("127.0.0.1", pod.port());
    assertNull(routing.connect(new Object(), podIp));
    assertEquals("hello from " + pod.port(), dial(routing, podIp));
  }

  @Test
  void theAgentsOwnListenerIsNeverRouted() throws IOException {
    LineServer replies = server();
    InetSocketAddress own = new InetSocketAddress("127.0.0.1", replies.port());
    TcpRouting routing = routing(snapshot(List.of(), "BlackHoleCluster"),
        Exclusions.parse(null, null, null), own);
    assertNull(routing.connect(new Object(), own));
  }

  @Test
  void theAgentsOwnCodeIsNeverRouted() throws IOException {
    MeshSnapshot blackHole = snapshot(List.of(), "BlackHoleCluster");
    InetSocketAddress unknown = new InetSocketAddress("127.96.0.99", 3306);
    MeshSource source = new MeshSource() {
      @Override
      public MeshSnapshot snapshot() {
        return blackHole;
      }

      @Override
      public RouteTable routesFor(String target, String host, int port) {
        return null;
      }
    };
    Exclusions none = Exclusions.parse(null, null, null);
    // This test's class stands for the agent's code, Entry for the bootstrap API.
    TcpRouting agent = new TcpRouting(source, none, new EndpointIps(), null,
        new AgentFrames(TcpRoutingTest.class.getClassLoader(), Entry.class), new UpstreamTlsStep());
    assertNull(Entry.connect(agent, unknown));
    TcpRouting application = new TcpRouting(source, none, new EndpointIps(), null,
        new AgentFrames(new ClassLoader(null) {}, Entry.class), new UpstreamTlsStep());
    assertThrows(ConnectException.class, () -> Entry.connect(application, unknown));
  }

  /** Stands for {@code io.inmesh.api.Mesh}: the boundary between caller and routing code. */
  static final class Entry {
    static SocketAddress connect(TcpRouting routing, SocketAddress destination)
        throws ConnectException {
      return routing.connect(new Object(), destination);
    }
  }

  @Test
  void exclusionsLeaveConnectionsAlone() throws IOException {
    LineServer db = server();
    MeshSnapshot mesh = snapshot(List.of(vip5432(null)), null,
        cluster(DB, null, endpoint(db.port())));
    assertNull(routing(mesh, Exclusions.parse(null, null, "5432"), null).connect(new Object(), vip(5432)));
    assertNull(routing(mesh, Exclusions.parse(null, "127.96.0.0/16", null), null)
        .connect(new Object(), vip(5432)));
    assertNull(routing(mesh, Exclusions.parse("*.svc.cluster.local", null, null), null)
        .connect(new Object(), InetSocketAddress.createUnresolved(DB_HOST, 5432)));
    assertInstanceOf(RoutedAddress.class,
        routing(mesh, Exclusions.parse("*.example", "127.97.0.0/16", "80"), null)
            .connect(new Object(), vip(5432)));
  }

  @Test
  void theNetworkRateLimitRefusesConnectionsWithoutAToken() throws IOException {
    LineServer db = server();
    TokenBucket oneConnection = new TokenBucket(1, 1, TimeUnit.HOURS.toNanos(1),
        System.nanoTime());
    TcpRouting routing = routing(snapshot(List.of(vip5432(oneConnection)), null,
        cluster(DB, null, endpoint(db.port()))));

    assertEquals("hello from " + db.port(), dial(routing, vip(5432)));
    ConnectException refused = assertThrows(ConnectException.class, () -> dial(routing,
        vip(5432)));
    assertTrue(refused.getMessage().contains("rate limit"), refused.getMessage());
    assertEquals(1, db.accepted());
  }

  @Test
  void anUnknownClusterOrOneWithoutEndpointsRefuses() throws IOException {
    ConnectException missing = assertThrows(ConnectException.class,
        () -> routing(snapshot(List.of(vip5432(null)), null)).connect(new Object(), vip(5432)));
    assertTrue(missing.getMessage().contains("cluster " + DB + " not found"),
        missing.getMessage());

    ConnectException empty = assertThrows(ConnectException.class,
        () -> routing(snapshot(List.of(vip5432(null)), null, cluster(DB, null)))
            .connect(new Object(), vip(5432)));
    assertTrue(empty.getMessage().contains("no healthy upstream"), empty.getMessage());
  }

  @Test
  void connectFailuresEjectTheEndpointThroughOutlierDetection() throws IOException {
    LineServer live = server();
    int dead;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      dead = s.getLocalPort(); // closed again: connecting to it is refused
    }
    OutlierDetection twoFailures = new OutlierDetection(Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(300), 100, 2, 100, 5, 0, false, 5, 100, 100,
        100, 5, 100, 1900, 85, 0, 0, 5, 50, false);
    ClusterState db = cluster(DB, twoFailures, endpoint(live.port()), endpoint(dead));
    TcpRouting routing = routing(snapshot(List.of(vip5432(null)), null, db));

    int failures = 0;
    for (int i = 0; i < 200 && failures < 2; i++) {
      try {
        dial(routing, vip(5432));
      } catch (ConnectException e) {
        failures++;
      }
    }
    assertEquals(2, failures, "the dead endpoint is picked now and then");
    Host deadHost = db.loadBalancer().host("127.0.0.1:" + dead);
    assertTrue(deadHost.ejected(), "two connect failures in a row eject it");
    assertFalse(db.loadBalancer().host("127.0.0.1:" + live.port()).ejected());
    for (int i = 0; i < 20; i++) {
      assertEquals("hello from " + live.port(), dial(routing, vip(5432)));
    }
  }

  /** A loopback server that answers each connection with one line and closes it. */
  private static final class LineServer implements AutoCloseable {
    private final ServerSocket socket;
    private final java.util.concurrent.atomic.AtomicInteger accepted =
        new java.util.concurrent.atomic.AtomicInteger();

    LineServer() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      Thread t = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket s = socket.accept()) {
            accepted.incrementAndGet();
            s.getOutputStream().write(("hello from " + port() + "\n")
                .getBytes(StandardCharsets.UTF_8));
          } catch (IOException e) {
            // closed
          }
        }
      }, "line-server");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    int accepted() {
      return accepted.get();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
