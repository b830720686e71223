package io.inmesh.runtime;

import io.inmesh.api.RoutedAddress;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.RandomSource;
import io.inmesh.policies.cluster.CircuitBreaker;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.listener.Cidr;
import io.inmesh.policies.listener.FilterChain;
import io.inmesh.policies.listener.OutboundListeners;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.policies.outcome.CallOutcome;
import io.inmesh.policies.tls.UpstreamTls;
import io.inmesh.telemetry.IstioMetrics;
import java.lang.ref.WeakReference;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TCP connections routed as a sidecar routes the connections redirected to it (issue 9): the
 * destination's listener and filter chain ({@link OutboundListeners#tcpChain}), the chain's
 * network local rate limit, its {@code tcp_proxy} cluster, and an endpoint from the cluster's
 * load balancer. The connection then goes to that endpoint, or is refused (a
 * {@link ConnectException}) where Envoy would close it: {@code BlackHoleCluster}, an unknown
 * cluster, no healthy endpoint, no rate limit token. Everything else is left alone: the proxyless
 * shape (no listeners, one read), HTTP chains and chains beside one that sniffs HTTP (HTTP
 * instrumentation routes those calls),
 * {@code PassthroughCluster}, exclusions, the agent's own connections and listening address, and
 * connections to the snapshot's endpoints (see {@link EndpointAddresses}).
 *
 * <p>Outcomes: a connect's success or failure is recorded with the cluster's outlier detector as
 * a locally originated result (Envoy's tcp_proxy reports connect success and failure). The
 * cluster's {@code max_connections} bounds the connections routed to it that are open in this
 * process: one over it is refused (Envoy's tcp_proxy closes it, flag UO); a connection gives its
 * admission back when its connect fails or its socket closes ({@link OpenConnections}).
 */
final class TcpRouting {

  private static final AgentLog LOG = AgentLog.get(TcpRouting.class);
  private static final String BLACK_HOLE = "BlackHoleCluster";
  private static final int MAX_LOGGED_REFUSALS = 10_000;

  /** The runtime's handle on a routed connection: where its outcome is recorded. */
  record Connection(ClusterState cluster, Host host, OpenConnections.Admission admission) {}

  private record Indexed(WeakReference<MeshSnapshot> snapshot, EndpointAddresses endpoints) {}

  private final MeshSource source;
  private final Exclusions exclusions;
  private final EndpointIps endpointIps;
  private final InetSocketAddress ownListener;
  private final AgentFrames agentFrames;
  private final Set<String> refusalsLogged = ConcurrentHashMap.newKeySet();
  private final OpenConnections open = new OpenConnections();
  private final UpstreamTlsStep upstreamTls;
  private final TcpTlsRelay relay = new TcpTlsRelay();
  /** Istio's TCP metrics, or null while telemetry is off. */
  private volatile IstioMetrics metrics;
  private volatile Indexed indexed;

  /**
   * @param ownListener the agent's own listening address that applications connect to (the local
   *     reply server), or null
   * @param agentFrames recognizes the agent's own connections
   */
  TcpRouting(MeshSource source, Exclusions exclusions, EndpointIps endpointIps,
      InetSocketAddress ownListener, AgentFrames agentFrames,
      UpstreamTlsStep upstreamTls) {
    this.upstreamTls = upstreamTls;
    this.source = source;
    this.exclusions = exclusions;
    this.endpointIps = endpointIps;
    this.ownListener = ownListener;
    this.agentFrames = agentFrames;
  }

  /**
   * The endpoint to dial instead of {@code destination}, or null to leave the connection alone.
   *
   * @param socket the socket or channel connecting, whose close ends the connection
   * @throws ConnectException when the mesh refuses the connection
   */
  SocketAddress connect(Object socket, SocketAddress destination) throws ConnectException {
    MeshSnapshot snapshot = source.snapshot();
    OutboundListeners listeners = snapshot.listeners();
    if (listeners.isEmpty() || !(destination instanceof InetSocketAddress isa)
        || destination instanceof RoutedAddress) {
      return null;
    }
    int port = isa.getPort();
    InetAddress address = isa.getAddress();
    byte[] ip;
    if (address != null) {
      ip = address.getAddress();
    } else {
      // a name DNS did not know: the literal it may be, else Istio's name table
      String name = isa.getHostString();
      ip = Cidr.literal(name);
      if (ip == null) {
        ip = listeners.names().firstAddress(name);
        if (ip == null) {
          ip = listeners.names().firstAddress(name.toLowerCase(java.util.Locale.ROOT));
        }
      }
      if (ip == null) {
        return null;
      }
    }
    FilterChain chain = listeners.tcpChain(ip, port);
    if (chain == null || chain.http() || sniffsHttp(listeners, ip, port)) {
      return null;
    }
    String hostName = hostName(isa);
    if (isOwnListener(ip, port) || exclusions.excludes(hostName, ip, port)
        || endpoints(snapshot).contains(ip, port) || agentFrames.onStack()) {
      return null;
    }
    long now = System.nanoTime();
    if (chain.connectionLimit() != null && !chain.connectionLimit().tryConsume(now)) {
      throw refused(isa, hostName, ip, "the network local rate limit of filter chain "
          + chain.name() + " has no token left");
    }
    String clusterName = chain.tcpProxy().pickCluster(RandomSource.threadLocal());
    if (listeners.passthrough(clusterName)) {
      return null;
    }
    ClusterState cluster = snapshot.clusters().get(clusterName);
    Host host = cluster == null ? null
        : cluster.loadBalancer().pick(0, false, RandomSource.threadLocal());
    if (host == null) {
      throw refused(isa, hostName, ip, BLACK_HOLE.equals(clusterName)
          ? "BlackHoleCluster (the mesh's outbound traffic policy is REGISTRY_ONLY, or the"
              + " destination is blocked)"
          : cluster == null ? "cluster " + clusterName + " not found"
          : "no healthy upstream in cluster " + clusterName);
    }
    CircuitBreaker breaker = cluster.circuitBreaker();
    if (!breaker.tryOpenConnection()) {
      throw refused(isa, hostName, ip, "cluster " + clusterName + " has its max_connections ("
          + breaker.thresholds().maxConnections() + ") open (UO)");
    }
    String upstream = host.endpoint().address();
    OpenConnections.Admission admission = new OpenConnections.Admission(breaker, () -> {
      IstioMetrics m = metrics;
      if (m != null) {
        m.tcpClosed(clusterName, upstream, "-");
      }
    });
    InetAddress endpointIp = endpointIps.of(host.endpoint());
    if (endpointIp == null) {
      admission.release();
      throw refused(isa, hostName, ip, "endpoint " + host.endpoint().address() + " of cluster "
          + clusterName + " does not resolve");
    }
    InetSocketAddress dial = new InetSocketAddress(endpointIp, host.endpoint().port());
    UpstreamTls tls = cluster.cluster().tlsFor(host.endpoint());
    if (tls != null) {
      dial = relayed(dial, tls, clusterName, isa, hostName, ip, admission);
    }
    RoutedAddress routed;
    try {
      // keeps the application's host name (TLS over the connection verifies it)
      routed = new RoutedAddress(InetAddress.getByAddress(hostName, dial.getAddress()
          .getAddress()), dial.getPort(), new Connection(cluster, host, admission));
    } catch (UnknownHostException e) {
      admission.release();
      return null; // cannot happen: the address has a valid length
    }
    open.opened(socket, admission);
    if (AgentLog.enabled(AgentLog.Level.DEBUG)) {
      LOG.debug("connection to %s routed to %s (filter chain %s, cluster %s)",
          describe(isa, hostName, ip), host.endpoint().address(), chain.name(), clusterName);
    }
    return routed;
  }

  /**
   * The loopback address of a relay that carries the connection over the mesh's TLS to an
   * endpoint that requires it ({@link TcpTlsRelay}); refused when that TLS cannot be set up,
   * never sent in plaintext.
   */
  private InetSocketAddress relayed(InetSocketAddress endpoint, UpstreamTls tls, String cluster,
      InetSocketAddress isa, String hostName, byte[] ip, OpenConnections.Admission admission)
      throws ConnectException {
    String problem;
    try {
      return relay.open(endpoint, upstreamTls.forEndpoint(tls, cluster),
          describe(isa, hostName, ip));
    } catch (UpstreamTlsStep.Unavailable e) {
      problem = e.getMessage();
    } catch (java.io.IOException e) {
      problem = "its TLS relay cannot listen: " + e;
    }
    admission.release();
    throw refused(isa, hostName, ip, "cluster " + cluster + " requires TLS: " + problem);
  }

  /** Records how a routed connect ended with the cluster's outlier detection. */
  void connectEnded(RoutedAddress dialled, Throwable failure) {
    if (!(dialled.connection() instanceof Connection c)) {
      return;
    }
    CallOutcome outcome;
    if (failure == null) {
      // tcp_proxy's "connect success final": the host answered, as a 200 would say
      outcome = CallOutcome.response(200);
    } else if (failure instanceof ClosedChannelException) {
      outcome = CallOutcome.CANCELLED; // the application closed or interrupted it
    } else {
      outcome = CallOutcome.failure(failure);
      if (outcome.kind() == CallOutcome.Kind.RESET) {
        outcome = CallOutcome.CONNECT_FAILURE; // nothing was sent: any I/O error is the connect's
      }
    }
    c.cluster().outlierDetector().record(c.host(), outcome, System.nanoTime());
    if (failure != null) {
      c.admission().release();
      return;
    }
    c.admission().established();
    IstioMetrics m = metrics;
    if (m != null) {
      m.tcpOpened(c.cluster().cluster().name(), c.host().endpoint().address());
    }
  }

  /** Counts routed connections in Istio's TCP metrics from now on. */
  void metrics(IstioMetrics istioMetrics) {
    metrics = istioMetrics;
  }

  /** A socket or channel closed: the admission of its routed connection, if any, goes back. */
  void closed(Object socket) {
    open.closed(socket);
  }

  /**
   * Whether an HTTP call to the destination would get an HTTP chain while a connection of unknown
   * protocol gets this TCP one (istiod's chains for a port whose protocol it detects). Envoy tells
   * them apart by the first bytes, which a connect has not sent: HTTP instrumentation routes the
   * HTTP calls, and any other connection is left alone rather than routed or refused on a guess.
   */
  private static boolean sniffsHttp(OutboundListeners listeners, byte[] ip, int port) {
    return listeners.httpRoutes(ip, port) != null;
  }

  private boolean isOwnListener(byte[] ip, int port) {
    return ownListener != null && ownListener.getPort() == port
        && Arrays.equals(ownListener.getAddress().getAddress(), ip);
  }

  private EndpointAddresses endpoints(MeshSnapshot snapshot) {
    Indexed i = indexed;
    if (i == null || i.snapshot().get() != snapshot) {
      // once per snapshot, on the first connection a TCP chain applies to
      i = new Indexed(new WeakReference<>(snapshot), EndpointAddresses.of(snapshot));
      indexed = i;
    }
    return i.endpoints();
  }

  /** The host name the application gave, or null when it gave an address; never asks DNS. */
  private static String hostName(InetSocketAddress isa) {
    String h = isa.getHostString();
    return Cidr.literal(h) != null ? null : h;
  }

  private ConnectException refused(InetSocketAddress isa, String hostName, byte[] ip,
      String reason) {
    String destination = describe(isa, hostName, ip);
    if (refusalsLogged.size() < MAX_LOGGED_REFUSALS && refusalsLogged.add(destination)) {
      LOG.info("connection to %s refused by the mesh: %s (logged once per destination)",
          destination, reason);
    }
    return new ConnectException("inmesh: connection to " + destination
        + " refused by the mesh: " + reason);
  }

  private static String describe(InetSocketAddress isa, String hostName, byte[] ip) {
    String address;
    try {
      address = InetAddress.getByAddress(ip).getHostAddress();
    } catch (UnknownHostException e) {
      address = "?";
    }
    return (hostName == null ? address : hostName + "/" + address) + ":" + isa.getPort();
  }
}
