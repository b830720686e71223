package io.inmesh.xds.client;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.xds.bootstrap.Bootstrap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The runtime's view of xDS: an immutable {@link MeshSnapshot} republished (one volatile write)
 * after every accepted change, and lazily watched targets. Speaks either shape of xDS
 * ({@link XdsMode}): proxyless (per-target LDS) or sidecar (wildcard LDS/CDS, RDS, EDS, NDS). Never throws into callers; while the
 * server is unreachable targets time out and calls pass through.
 *
 * <p>Threads: all xDS state lives on one daemon thread, {@code inmesh-xds}; application threads only
 * read the snapshot and the target watches.
 */
public final class XdsClient implements AutoCloseable {

  private static final AgentLog LOG = AgentLog.get(XdsClient.class);

  /** Sent in {@code node.client_features}, as gRPC does, so servers may rely on them. */
  static final String[] CLIENT_FEATURES = {
      "envoy.lb.does_not_support_overprovisioning", "xds.config.resource-in-sotw"};

  private final XdsClientSettings settings;
  private final XdsMode mode;
  private final ScheduledThreadPoolExecutor executor;
  private final XdsTransport transport;
  private final AdsClient ads;
  private final XdsStats stats = new XdsStats();
  private final SnapshotAssembler assembler = new SnapshotAssembler();
  private final Map<String, TargetWatch> watches = new ConcurrentHashMap<>();
  /** An {@link #updateTargets} pass is submitted and has not started yet. */
  private final AtomicBoolean targetsPending = new AtomicBoolean();
  private volatile MeshSnapshot snapshot = MeshSnapshot.EMPTY;
  private volatile boolean closed;

  private XdsClient(Bootstrap bootstrap, XdsClientSettings settings, XdsTransport transport) {
    this.settings = settings;
    this.transport = transport;
    this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "inmesh-xds");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    // A pending reconnect must not hold up close().
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.mode = settings.mode() != null ? settings.mode() : XdsMode.of(bootstrap);
    Node node = nodeOf(bootstrap);
    XdsGraph graph = mode == XdsMode.PROXYLESS
        ? AdsClient.proxylessGraph(bootstrap.certificateProviders())
        : AdsClient.sidecarGraph(bootstrap.certificateProviders(), XdsMode.wantsNameTable(node),
            XdsMode.metadata(node, "NAMESPACE"));
    this.ads = new AdsClient(transport, executor, node, bootstrap.server().uri().raw(),
        new Backoff(settings.initialBackoff(), settings.maxBackoff(),
            () -> ThreadLocalRandom.current().nextDouble()),
        stats, this::publish, graph);
    String generator = XdsMode.metadata(node, XdsMode.GENERATOR);
    LOG.info("xDS mode %s (%s)%s", mode.name().toLowerCase(java.util.Locale.ROOT),
        settings.mode() != null ? "xds_mode"
            : generator == null ? "no GENERATOR in node metadata"
            : "node metadata GENERATOR=" + generator,
        mode == XdsMode.SIDECAR && XdsMode.wantsNameTable(node) ? ", with the NDS name table"
            : "");
  }

  /** Connects to the bootstrap's server over gRPC (plaintext: {@code insecure}) and starts. */
  public static XdsClient start(Bootstrap bootstrap, XdsClientSettings settings) {
    if (bootstrap.server().credentials() != io.inmesh.xds.bootstrap.ChannelCredentialsType.INSECURE) {
      throw new IllegalArgumentException("channel_creds " + bootstrap.server().credentials()
          + " needs its credentials: use start(bootstrap, settings, credentials)");
    }
    return start(bootstrap, settings, new GrpcXdsTransport(bootstrap.server().uri()));
  }

  /** Connects to the bootstrap's server over gRPC with the given channel credentials. */
  public static XdsClient start(Bootstrap bootstrap, XdsClientSettings settings,
      io.grpc.ChannelCredentials credentials) {
    return start(bootstrap, settings, new GrpcXdsTransport(bootstrap.server().uri(),
        credentials));
  }

  /** Starts over the given transport (tests drive one directly). */
  public static XdsClient start(Bootstrap bootstrap, XdsClientSettings settings,
      XdsTransport transport) {
    XdsClient client = new XdsClient(bootstrap, settings, transport);
    client.submit(client.ads::connect);
    return client;
  }

  /** The node of the bootstrap plus what identifies this client (gRFC A27). */
  static Node nodeOf(Bootstrap bootstrap) {
    Package pkg = XdsClient.class.getPackage();
    String version = pkg == null || pkg.getImplementationVersion() == null ? "dev"
        : pkg.getImplementationVersion();
    Node.Builder node = bootstrap.node().toBuilder()
        .setUserAgentName("inmesh")
        .setUserAgentVersion(version);
    for (String feature : CLIENT_FEATURES) {
      node.addClientFeatures(feature);
    }
    return node.build();
  }

  /** The shape of xDS this client asks for. */
  public XdsMode mode() {
    return mode;
  }

  /** The current snapshot: a volatile read. */
  public MeshSnapshot snapshot() {
    return snapshot;
  }

  public XdsStats stats() {
    return stats;
  }

  /** Watches a target without waiting for it. */
  public void watchTarget(String target) {
    watchOf(target);
  }

  /**
   * Watches the target and, the first time, waits at most {@code resourceTimeout} for its listener,
   * route configuration and cluster endpoints. Answers at once when the target is already settled.
   */
  public TargetState awaitTarget(String target) {
    return awaitTarget(target, settings.resourceTimeout().toNanos());
  }

  /** As {@link #awaitTarget(String)}, waiting at most {@code timeoutNanos} (the caller's budget). */
  public TargetState awaitTarget(String target, long timeoutNanos) {
    try {
      TargetWatch watch = watchOf(target);
      TargetState state = watch.state();
      if (state != null) {
        return state;
      }
      return closed ? TargetState.TIMED_OUT
          : watch.await(Math.max(0, timeoutNanos));
    } catch (RuntimeException e) {
      LOG.error(e, "awaitTarget(%s) failed; passing through", target);
      return TargetState.TIMED_OUT;
    }
  }

  private TargetWatch watchOf(String target) {
    long now = System.nanoTime();
    TargetWatch watch = watches.get(target);
    if (watch != null) {
      watch.lastUsedNanos = now;
      return watch;
    }
    TargetWatch created = new TargetWatch(target, now);
    watch = watches.putIfAbsent(target, created);
    if (watch != null) {
      return watch;
    }
    // One pass per burst of new targets: each pass subscribes the whole set, so one per target
    // would cost O(N^2 log N) for N targets watched at once.
    if (targetsPending.compareAndSet(false, true)) {
      submit(this::updateTargets);
    }
    return created;
  }

  /** On the executor: evicts beyond maxTargets, then subscribes LDS to the watched targets. */
  private void updateTargets() {
    // Cleared before reading the watches: a target added from here on submits another pass.
    targetsPending.set(false);
    while (watches.size() > settings.maxTargets()) {
      TargetWatch oldest = null;
      for (TargetWatch w : watches.values()) {
        if (oldest == null || w.lastUsedNanos - oldest.lastUsedNanos < 0) {
          oldest = w;
        }
      }
      watches.remove(oldest.target, oldest);
      // Anyone still waiting on it passes through.
      oldest.settle(TargetState.TIMED_OUT);
      LOG.debug("unwatching least recently used target %s (maxTargets=%d)", oldest.target,
          settings.maxTargets());
    }
    Set<String> targets = new TreeSet<>(watches.keySet());
    ads.setTargets(targets);
    // Sidecar mode: a new target is answered by what already arrived.
    settleWatches();
  }

  /** On the executor, after every accepted change: one new snapshot, then settle the watches. */
  private void publish() {
    snapshot = assembler.assemble(ads.graph);
    settleWatches();
  }

  private void settleWatches() {
    for (TargetWatch watch : watches.values()) {
      TargetState state = ads.graph.stateOf(watch.target);
      if (state != null && state != watch.state()) {
        watch.settle(state);
      }
    }
  }

  private void submit(Runnable task) {
    try {
      executor.execute(AdsClient.guarded(task));
    } catch (RejectedExecutionException e) {
      if (!closed) {
        LOG.error(e, "xDS executor rejected a task");
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    submit(ads::close);
    executor.shutdown();
    try {
      executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    transport.close();
    for (TargetWatch watch : watches.values()) {
      if (watch.state() == null) {
        watch.settle(TargetState.TIMED_OUT);
      }
    }
  }
}
