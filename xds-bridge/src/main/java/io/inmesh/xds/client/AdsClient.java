package io.inmesh.xds.client;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.xds.resource.ClusterResourceType;
import io.inmesh.xds.resource.EndpointResourceType;
import io.inmesh.xds.resource.ListenerResourceType;
import io.inmesh.xds.resource.NameTableResourceType;
import io.inmesh.xds.resource.RouteConfigResourceType;
import io.inmesh.xds.resource.SidecarListenerResourceType;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One ADS stream, state of the world (xDS protocol, v3): subscriptions follow the resource graph,
 * every response is ACKed or NACKed at one decision point ({@link #onResponse}), and a broken
 * stream is reopened with backoff and everything resubscribed. Every method runs on the client's
 * single executor; transport callbacks hop onto it.
 */
final class AdsClient {

  private static final AgentLog LOG = AgentLog.get(AdsClient.class);

  private final XdsTransport transport;
  private final ScheduledExecutorService executor;
  private final Node node;
  private final String serverName;
  private final Backoff backoff;
  private final XdsStats stats;
  private final Runnable onAccepted;
  final XdsGraph graph;
  private final List<ResourceCache<?>> caches;

  private ActiveStream stream;
  private boolean closed;
  /** For logging connection trouble once per change of state, not once per attempt. */
  private boolean failing;

  /** The client side of one transport stream; callbacks from a replaced stream are ignored. */
  private final class ActiveStream implements XdsTransport.StreamListener {
    XdsTransport.Stream transportStream;
    boolean nodeSent;
    boolean receivedResponse;

    @Override
    public void onResponse(DiscoveryResponse response) {
      post(() -> {
        if (stream == this && !closed) {
          AdsClient.this.onResponse(this, response);
        }
      });
    }

    @Override
    public void onClosed(Throwable error) {
      post(() -> {
        if (stream == this && !closed) {
          AdsClient.this.onStreamClosed(this, error);
        }
      });
    }
  }

  AdsClient(XdsTransport transport, ScheduledExecutorService executor, Node node,
      String serverName, Backoff backoff, XdsStats stats, Runnable onAccepted, XdsGraph graph) {
    this.transport = transport;
    this.executor = executor;
    this.node = node;
    this.serverName = serverName;
    this.backoff = backoff;
    this.stats = stats;
    this.onAccepted = onAccepted;
    this.graph = graph;
    this.caches = graph.caches();
  }

  /** The proxyless graph: per-target LDS, then RDS, CDS and EDS by reference. */
  static ResourceGraph proxylessGraph(
      java.util.Map<String, io.inmesh.xds.bootstrap.FileWatcherCertificates> certificates) {
    return new ResourceGraph(new ResourceCache<>(new ListenerResourceType()),
        new ResourceCache<>(new RouteConfigResourceType()),
        new ResourceCache<>(new ClusterResourceType(certificates)),
        new ResourceCache<>(new EndpointResourceType()));
  }

  /**
   * The sidecar graph: wildcard LDS and CDS, RDS and EDS by reference, and wildcard NDS when
   * {@code nameTable} is on.
   *
   * @param clientNamespace the node's {@code NAMESPACE}, for the name table's short names
   */
  static SidecarGraph sidecarGraph(
      java.util.Map<String, io.inmesh.xds.bootstrap.FileWatcherCertificates> certificates,
      boolean nameTable, String clientNamespace) {
    return new SidecarGraph(new ResourceCache<>(new SidecarListenerResourceType(), true),
        new ResourceCache<>(new RouteConfigResourceType()),
        new ResourceCache<>(new ClusterResourceType(certificates), true),
        new ResourceCache<>(new EndpointResourceType()),
        nameTable ? new ResourceCache<>(new NameTableResourceType(clientNamespace), true) : null);
  }

  /** Hands a transport callback to the executor; after close() the executor is gone. */
  private void post(Runnable task) {
    try {
      executor.execute(guarded(task));
    } catch (RejectedExecutionException e) {
      if (!executor.isShutdown()) {
        LOG.error(e, "xDS executor rejected a stream event");
      }
    }
  }

  /** Wraps an executor task so a bug is logged, never lost, and never kills the executor. */
  static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        LOG.error(t, "xDS client task failed");
      }
    };
  }

  void connect() {
    if (closed) {
      return;
    }
    ActiveStream next = new ActiveStream();
    stream = next;
    for (ResourceCache<?> cache : caches) {
      cache.nonce = "";
      cache.requestedOnStream = false;
    }
    try {
      next.transportStream = transport.start(next);
    } catch (RuntimeException e) {
      onStreamClosed(next, e);
      return;
    }
    for (ResourceCache<?> cache : caches) {
      if (cache.wantsRequest()) {
        sendRequest(cache, null);
      }
    }
  }

  void setTargets(Set<String> targets) {
    ResourceCache<?> changed = graph.setTargets(targets);
    if (changed != null) {
      sendIfConnected(changed);
      followGraph();
      onAccepted.run();
    }
  }

  void close() {
    closed = true;
    stats.connected(false);
    if (stream != null && stream.transportStream != null) {
      stream.transportStream.cancel("xDS client closed");
    }
    stream = null;
  }

  private void onResponse(ActiveStream from, DiscoveryResponse response) {
    if (!from.receivedResponse) {
      from.receivedResponse = true;
      backoff.reset();
      stats.connected(true);
      if (failing || LOG.enabled(AgentLog.Level.DEBUG)) {
        LOG.info("ADS stream to %s is up", serverName);
      }
      failing = false;
    }
    ResourceCache<?> cache = cacheFor(response.getTypeUrl());
    if (cache == null) {
      LOG.warn("ignoring a response of unrequested type %s", response.getTypeUrl());
      return;
    }
    cache.nonce = response.getNonce();
    List<String> errors = cache.apply(response);
    if (errors.isEmpty()) {
      cache.versionInfo = response.getVersionInfo();
      stats.recordAck();
      sendRequest(cache, null);
    } else {
      String reason = cache.type.shortName() + " response version " + response.getVersionInfo()
          + " rejected: " + String.join("; ", errors);
      stats.recordNack(reason);
      LOG.warn("NACK: %s", reason);
      sendRequest(cache, Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE)
          .setMessage(reason).build());
    }
    followGraph();
    onAccepted.run();
  }

  /** Moves the derived subscriptions to what the accepted resources now reference. */
  private void followGraph() {
    graph.follow(this::sendIfConnected);
  }

  private void sendIfConnected(ResourceCache<?> cache) {
    if (stream != null && stream.transportStream != null) {
      // An empty list after named ones unsubscribes all (not a wildcard) once names were sent.
      if (cache.wantsRequest() || cache.requestedOnStream) {
        sendRequest(cache, null);
      }
    }
  }

  /** ACK (no error), NACK (error: the last good version with the new nonce) or a new subscription. */
  private void sendRequest(ResourceCache<?> cache, Status error) {
    ActiveStream s = stream;
    if (s == null || s.transportStream == null) {
      return;
    }
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
        .setTypeUrl(cache.type.typeUrl())
        .setVersionInfo(cache.versionInfo)
        .setResponseNonce(cache.nonce)
        .addAllResourceNames(new TreeSet<>(cache.subscribed()));
    if (error != null) {
      request.setErrorDetail(error);
    }
    if (!s.nodeSent) {
      request.setNode(node);
      s.nodeSent = true;
    }
    cache.requestedOnStream = true;
    s.transportStream.send(request.build());
  }

  private void onStreamClosed(ActiveStream closedStream, Throwable error) {
    stream = null;
    stats.connected(false);
    String why = error == null ? "closed by the server" : String.valueOf(error);
    if (closedStream.receivedResponse) {
      // The stream worked: reconnect promptly (gRPC resets its backoff in this case too).
      backoff.reset();
      LOG.warn("ADS stream to %s ended (%s); reconnecting", serverName, why);
    } else if (!failing) {
      LOG.warn("cannot reach xDS server %s (%s); retrying with backoff, calls pass through"
          + " meanwhile", serverName, why);
    }
    failing = !closedStream.receivedResponse;
    long delay = backoff.nextDelayNanos();
    executor.schedule(guarded(this::connect), delay, TimeUnit.NANOSECONDS);
  }

  private ResourceCache<?> cacheFor(String typeUrl) {
    for (ResourceCache<?> cache : caches) {
      if (cache.type.typeUrl().equals(typeUrl)) {
        return cache;
      }
    }
    return null;
  }
}
