package io.inmesh.examples.controlplane;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per ADS stream and resource type: the names the client subscribed to last and the version of the
 * last response sent. {@link IstiodStyleWatcher} needs both to answer as istiod does, but
 * java-control-plane's ConfigWatcher is not told which stream a request came on; this callback is.
 *
 * <p>java-control-plane runs the request callbacks and then creates the watch on the same thread,
 * synchronously, for each request, so the stream id is handed over in a thread-local and matched
 * by the identity of the request object.
 */
final class StreamSubscriptions implements DiscoveryServerCallbacks {

  /** What the watcher learns about one request it is asked to watch for. */
  record RequestContext(long streamId, Set<String> previousNames, String lastSentVersion) {}

  private record Pending(long streamId, DiscoveryRequest request) {}

  private record TypeState(Set<String> subscribedNames, String lastSentVersion) {
    static final TypeState NONE = new TypeState(null, null);
  }

  private final ThreadLocal<Pending> pending = new ThreadLocal<>();
  private final Map<Long, Map<String, TypeState>> streams = new ConcurrentHashMap<>();

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    streams.put(streamId, new ConcurrentHashMap<>());
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    streams.remove(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    streams.remove(streamId);
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    pending.set(new Pending(streamId, request));
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}

  @Override
  public void onV3StreamResponse(
      long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    types(streamId).compute(response.getTypeUrl(), (type, old) -> new TypeState(
        old == null ? null : old.subscribedNames(), response.getVersionInfo()));
  }

  /**
   * The context of {@code request} if it is the one the server is processing on this thread, and
   * records its names as the stream's current subscription (unless it is a NACK: istiod keeps the
   * previous subscription when a client rejects). Null if the request is unknown.
   */
  RequestContext enter(DiscoveryRequest request) {
    Pending p = pending.get();
    pending.remove();
    if (p == null || p.request() != request) {
      return null;
    }
    Map<String, TypeState> types = types(p.streamId());
    TypeState before = types.getOrDefault(request.getTypeUrl(), TypeState.NONE);
    if (!request.hasErrorDetail()) {
      Set<String> names = Set.copyOf(request.getResourceNamesList());
      types.compute(request.getTypeUrl(), (type, old) -> new TypeState(
          names, old == null ? null : old.lastSentVersion()));
    }
    return new RequestContext(p.streamId(), before.subscribedNames(), before.lastSentVersion());
  }

  private Map<String, TypeState> types(long streamId) {
    return streams.computeIfAbsent(streamId, id -> new ConcurrentHashMap<>());
  }

}
