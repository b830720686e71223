package io.inmesh.examples.controlplane;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * An in-process xDS server (ADS, state of the world) that answers like istiod: java-control-plane's
 * {@link SimpleCache} and {@link V3DiscoveryServer} behind {@link IstiodStyleWatcher}. Every node
 * belongs to one group, so every client sees the same resources, as every proxyless client of
 * istiod sees the same services.
 *
 * <p>Serves on a loopback TCP port or, as Istio's pilot-agent does, on a Unix domain socket. It
 * starts with an empty snapshot, so a client that subscribes before {@link #setResources} is told
 * that its names do not exist (istiod answers the same for unknown services).
 *
 * <pre>{@code
 * try (LocalControlPlane xds = LocalControlPlane.onLoopback().start()) {
 *   xds.setResources("1", listeners, routes, clusters, endpoints);
 *   // bootstrap "server_uri": xds.serverUri()
 * }
 * }</pre>
 */
public final class LocalControlPlane implements AutoCloseable {

  /** The one node group: istiod's proxyless answers do not depend on who asks. */
  public static final String GROUP = "mesh";

  /** The version of the empty snapshot served before the first {@link #setResources}. */
  public static final String INITIAL_VERSION = "initial";

  private final InetSocketAddress tcpAddress;
  private final Path socketPath;
  private final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final DiscoveryLog log = new DiscoveryLog();
  private final StreamSubscriptions streams = new StreamSubscriptions();
  private Server server;
  private EventLoopGroup epollGroup;
  private io.grpc.ServerCredentials credentials;
  private volatile String version;
  private NameTableService nameTables;
  private java.util.Map.Entry<String, com.google.protobuf.Any> nameTable;

  private LocalControlPlane(InetSocketAddress tcpAddress, Path socketPath) {
    this.tcpAddress = tcpAddress;
    this.socketPath = socketPath;
    publish(INITIAL_VERSION, XdsResources.EMPTY);
  }

  /** On 127.0.0.1 and a free port chosen at {@link #start()}. */
  public static LocalControlPlane onLoopback() {
    return onLoopback(0);
  }

  /** On 127.0.0.1:{@code port}; 0 picks a free port. */
  public static LocalControlPlane onLoopback(int port) {
    return new LocalControlPlane(new InetSocketAddress("127.0.0.1", port), null);
  }

  /** On a Unix domain socket (Linux, epoll), like Istio's {@code unix:///etc/istio/proxy/XDS}. */
  public static LocalControlPlane onUnixSocket(Path path) {
    return new LocalControlPlane(null, Objects.requireNonNull(path, "path"));
  }

  /** Serves TCP with these credentials (TLS, as a control plane reached directly) from start. */
  public synchronized LocalControlPlane withCredentials(io.grpc.ServerCredentials tls) {
    this.credentials = tls;
    return this;
  }

  public synchronized LocalControlPlane start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    // Both callbacks see every request before the watcher does; the log never alters answers.
    V3DiscoveryServer discovery =
        new V3DiscoveryServer(List.of(log, streams), new IstiodStyleWatcher(cache, GROUP, streams));
    NettyServerBuilder builder;
    if (socketPath != null) {
      // A socket file left by a killed run would make bind fail with "Address already in use".
      Files.deleteIfExists(socketPath);
      epollGroup = new EpollEventLoopGroup(1);
      builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socketPath.toString()))
          .channelType(EpollServerDomainSocketChannel.class)
          .bossEventLoopGroup(epollGroup)
          .workerEventLoopGroup(epollGroup);
    } else {
      builder = credentials == null ? NettyServerBuilder.forAddress(tcpAddress)
          : NettyServerBuilder.forAddress(tcpAddress, credentials);
    }
    server = builder.addService(nameTables = new NameTableService(
        discovery.getAggregatedDiscoveryServiceImpl())).build().start();
    if (nameTable != null) {
      nameTables.setTable(nameTable.getKey(), nameTable.getValue());
    }
    return this;
  }

  /**
   * Publishes a new snapshot; every open subscription whose resources are in it is answered.
   *
   * @param version must differ from the current one, or no client would be sent the change
   */
  public void setResources(
      String version,
      List<Listener> listeners,
      List<RouteConfiguration> routes,
      List<Cluster> clusters,
      List<ClusterLoadAssignment> endpoints) {
    setResources(version, new XdsResources(listeners, routes, clusters, endpoints));
  }

  public synchronized void setResources(String version, XdsResources resources) {
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("version must not be blank");
    }
    if (version.equals(this.version)) {
      throw new IllegalArgumentException(
          "version " + version + " is already served; clients would not be sent the change");
    }
    publish(version, resources);
  }

  private synchronized void publish(String newVersion, XdsResources resources) {
    cache.setSnapshot(GROUP, Snapshot.create(resources.clusters(), resources.endpoints(),
        resources.listeners(), resources.routes(), List.of(), newVersion));
    version = newVersion;
  }

  /**
   * Publishes Istio's NDS name table (see {@link SidecarShapes#nameTable}), served on the same ADS
   * streams to clients that ask for it (node metadata {@code DNS_CAPTURE=true} in sidecar mode).
   */
  public synchronized void setNameTable(String version, com.google.protobuf.Any table) {
    nameTable = java.util.Map.entry(version, table);
    if (nameTables != null) {
      nameTables.setTable(version, table);
    }
  }

  /** The version of the snapshot being served. */
  public String version() {
    return version;
  }

  /** The TCP port, known after {@link #start()}. */
  public int port() {
    if (socketPath != null) {
      throw new IllegalStateException("serving on a Unix socket: " + socketPath);
    }
    requireStarted();
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** The Unix socket path, or null when serving TCP. */
  public Path socketPath() {
    return socketPath;
  }

  /**
   * The bootstrap {@code server_uri} that reaches this server: {@code 127.0.0.1:PORT} or
   * {@code unix:///path}, as gRPC's xDS bootstrap and Istio write them.
   */
  public String serverUri() {
    return socketPath != null ? "unix://" + socketPath.toAbsolutePath() : "127.0.0.1:" + port();
  }

  /** Every DiscoveryRequest received, oldest first. */
  public List<ObservedRequest> receivedRequests() {
    return log.requests();
  }

  /** Every DiscoveryResponse sent, oldest first. */
  public List<DiscoveryResponse> sentResponses() {
    return log.responses();
  }

  /** Requests that carried error_detail. */
  public int nackCount() {
    return log.nacks();
  }

  /** ADS streams open now. */
  public int openStreams() {
    return log.openStreams();
  }

  /** The first request received (ever, not only from now on) that matches. */
  public ObservedRequest awaitRequest(Predicate<ObservedRequest> wanted, Duration timeout)
      throws InterruptedException, TimeoutException {
    return log.awaitRequest(wanted, timeout);
  }

  /** The first response sent (ever, not only from now on) that matches. */
  public DiscoveryResponse awaitResponse(Predicate<DiscoveryResponse> wanted, Duration timeout)
      throws InterruptedException, TimeoutException {
    return log.awaitResponse(wanted, timeout);
  }

  public void awaitOpenStreams(int count, Duration timeout)
      throws InterruptedException, TimeoutException {
    log.awaitOpenStreams(count, timeout);
  }

  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (epollGroup != null) {
      epollGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (socketPath != null) {
      try {
        Files.deleteIfExists(socketPath);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    server = null;
  }

  private void requireStarted() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
  }
}
