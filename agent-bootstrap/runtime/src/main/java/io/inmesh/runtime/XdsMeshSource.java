package io.inmesh.runtime;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.telemetry.XdsStatus;
import io.inmesh.xds.bootstrap.Bootstrap;
import io.inmesh.xds.client.XdsClient;
import io.inmesh.xds.client.XdsClientSettings;
import io.inmesh.xds.client.XdsMode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The xDS client as the data plane sees it. The client (grpc, netty, protobuf: most of the agent's
 * class loading) starts on a daemon thread, so that {@code premain} returns and the application's
 * {@code main} starts without waiting for it; a call that arrives before the client is up waits
 * for it within the same resource timeout as any new destination.
 */
final class XdsMeshSource implements MeshSource {

  private static final AgentLog LOG = AgentLog.get(XdsMeshSource.class);

  private final CompletableFuture<XdsClient> starting = new CompletableFuture<>();
  private final Bootstrap bootstrap;
  private final XdsClientSettings settings;
  private volatile XdsClient client;
  private volatile long startedNanos;

  XdsMeshSource(Bootstrap bootstrap, AgentConfig config) {
    this.bootstrap = bootstrap;
    this.settings = XdsClientSettings.defaults()
        .withResourceTimeout(config.resourceTimeout())
        .withMaxTargets(config.maxTargets())
        .withMode(XdsMode.parse(config.xdsMode()));
  }

  /**
   * Starts the client on a daemon thread and then runs {@code afterStart} there (telemetry);
   * returns at once.
   */
  void connect(Runnable afterStart) {
    Thread starter = new Thread(() -> {
      try {
        XdsClient started = XdsClient.start(bootstrap, settings,
            io.inmesh.runtime.tls.XdsChannelCredentials.of(bootstrap.server()));
        startedNanos = System.nanoTime();
        client = started;
        starting.complete(started);
      } catch (Throwable t) {
        LOG.error(t, "the xDS client did not start; calls pass through");
        starting.completeExceptionally(t);
        return;
      }
      afterStart.run();
    }, "inmesh-xds-start");
    starter.setDaemon(true);
    starter.start();
  }

  @Override
  public MeshSnapshot snapshot() {
    XdsClient c = client;
    return c == null ? MeshSnapshot.EMPTY : c.snapshot();
  }

  @Override
  public RouteTable routesFor(String target, String host, int port) {
    XdsClient c = client;
    if (c != null) {
      c.awaitTarget(target);
      return c.snapshot().httpRoutes(target, host, port);
    }
    // A call during start-up: waiting for the client and for the target share one budget.
    long budget = settings.resourceTimeout().toNanos();
    long start = System.nanoTime();
    c = awaitClient(budget);
    if (c == null) {
      return null;
    }
    c.awaitTarget(target, budget - (System.nanoTime() - start));
    return c.snapshot().httpRoutes(target, host, port);
  }

  /** Closes the client (its connection and event loop); calls pass through afterwards. */
  void close() {
    XdsClient c = client;
    if (c != null) {
      c.close();
    }
  }

  /** Ready once the first xDS answer arrived, or the resource timeout passed without one. */
  boolean ready() {
    XdsClient c = client;
    if (c == null) {
      return false;
    }
    return c.stats().acks() + c.stats().nacks() > 0
        || System.nanoTime() - startedNanos > settings.resourceTimeout().toNanos();
  }

  boolean connected() {
    XdsClient c = client;
    return c != null && c.stats().connected();
  }

  long nacks() {
    XdsClient c = client;
    return c == null ? 0 : c.stats().nacks();
  }

  /** When a resource was last accepted, and the last NACK, for {@code /config_dump}. */
  XdsStatus xdsStatus() {
    XdsClient c = client;
    return c == null ? XdsStatus.NONE : new XdsStatus(c.stats().lastAckMillis(),
        c.stats().lastNackReason(), c.stats().lastNackMillis());
  }

  /** What the current snapshot holds, by xDS resource type. */
  java.util.Map<String, Integer> resourceCounts() {
    MeshSnapshot s = snapshot();
    int endpoints = 0;
    for (io.inmesh.policies.cluster.ClusterState cluster : s.clusters().values()) {
      endpoints += cluster.endpoints().size();
    }
    // sidecar shape: outbound listeners (virtualOutbound too) and their chains' route tables
    io.inmesh.policies.listener.OutboundListeners outbound = s.listeners();
    java.util.Set<RouteTable> tables = java.util.Collections.newSetFromMap(
        new java.util.IdentityHashMap<>());
    tables.addAll(s.routesByTarget().values());
    int listeners = s.routesByTarget().size() + outbound.listeners().size()
        + (outbound.virtualOutbound() == null ? 0 : 1);
    for (io.inmesh.policies.listener.OutboundListener l : outbound.listeners()) {
      for (io.inmesh.policies.listener.FilterChain c : l.chains()) {
        if (c.routes() != null) {
          tables.add(c.routes());
        }
      }
    }
    return java.util.Map.of("listener", listeners, "route", tables.size(),
        "cluster", s.clusters().size(), "endpoint", endpoints);
  }

  private XdsClient awaitClient(long budgetNanos) {
    try {
      return starting.get(budgetNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return null;
    }
  }
}
