package io.inmesh.xds.client;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * java-control-plane's SimpleCache and V3DiscoveryServer on loopback, made to answer like istiod:
 * with what exists (non-ADS watches, instead of withholding while a name is missing), and after a
 * NACK it waits for the next change instead of resending the rejected version at once.
 */
final class IstiodLikeControlPlane implements AutoCloseable {

  private static final String GROUP = "mesh";

  final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
  private final Server server;

  IstiodLikeControlPlane(int port) throws IOException {
    ConfigWatcher istiodLike = new ConfigWatcher() {
      @Override
      public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
          Consumer<Response> responseConsumer, boolean hasClusterChanged,
          boolean allowDefaultEmptyEdsUpdate) {
        XdsRequest effective = request;
        Snapshot current = cache.getSnapshot(GROUP);
        if (request.hasErrorDetail() && current != null) {
          effective = XdsRequest.create(request.v3Request().toBuilder()
              .setVersionInfo(current.version(request.getResourceType())).build());
        }
        return cache.createWatch(false, effective, knownResourceNames, responseConsumer,
            hasClusterChanged, allowDefaultEmptyEdsUpdate);
      }

      @Override
      public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion,
          Map<String, String> resourceVersions, Set<String> pendingResources, boolean isWildcard,
          Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
        return cache.createDeltaWatch(request, requesterVersion, resourceVersions,
            pendingResources, isWildcard, responseConsumer, hasClusterChanged);
      }
    };
    DiscoveryServerCallbacks capture = new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        requests.add(request);
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}
    };
    V3DiscoveryServer discovery = new V3DiscoveryServer(capture, istiodLike);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(discovery.getAggregatedDiscoveryServiceImpl())
        .build()
        .start();
  }

  int port() {
    return server.getPort();
  }

  void publish(Snapshot snapshot) {
    cache.setSnapshot(GROUP, snapshot);
  }

  List<DiscoveryRequest> nacks() {
    return requests.stream().filter(DiscoveryRequest::hasErrorDetail).toList();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(2, TimeUnit.SECONDS);
  }
}
