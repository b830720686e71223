package io.inmesh.examples.controlplane;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Puts istiod's answering rules in front of java-control-plane's {@link SimpleCache}, so the agent
 * is tested against the server it meets in production:
 *
 * <ul>
 *   <li><b>Answer with what exists.</b> In ADS mode SimpleCache withholds its answer while any
 *       requested name is missing; istiod answers with the subset it has, and a name left out of a
 *       state-of-the-world LDS/CDS answer means "does not exist". So every watch is created with
 *       {@code ads=false}, which makes SimpleCache answer with the existing subset.
 *   <li><b>Answer a changed subscription at once.</b> istiod responds whenever the requested names
 *       differ from the stream's previous request, even if none of the new names exists (the client
 *       then learns they do not exist). SimpleCache only does when a new name exists.
 *   <li><b>Do not resend a rejected version.</b> After a NACK istiod waits for the next change;
 *       SimpleCache would resend the rejected version at once (the NACK carries the last accepted
 *       version, which differs). So a NACK is watched as if it carried the rejected version.
 *   <li><b>No EDS echo after CDS.</b> SimpleCache re-answers EDS after a CDS push because Envoy
 *       warms clusters that way; istiod does not for proxyless clients.
 * </ul>
 */
final class IstiodStyleWatcher implements ConfigWatcher {

  // Never a snapshot version (versions are non-blank), so SimpleCache sees the client as stale.
  private static final String NO_VERSION = "";

  private final SimpleCache<String> cache;
  private final String group;
  private final StreamSubscriptions streams;

  IstiodStyleWatcher(SimpleCache<String> cache, String group, StreamSubscriptions streams) {
    this.cache = cache;
    this.group = group;
    this.streams = streams;
  }

  @Override
  public Watch createWatch(
      boolean ads,
      XdsRequest request,
      Set<String> knownResourceNames,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    DiscoveryRequest received = request.v3Request();
    StreamSubscriptions.RequestContext context = streams.enter(received);
    Set<String> requestedNames = Set.copyOf(received.getResourceNamesList());

    if (received.hasErrorDetail()) {
      String rejected = context != null && context.lastSentVersion() != null
          ? context.lastSentVersion()
          : currentVersion(request);
      XdsRequest waitForChange = rejected == null
          ? request
          : XdsRequest.create(received.toBuilder().setVersionInfo(rejected).build());
      // Claiming every requested name as known stops SimpleCache's "new name" shortcut, which
      // would resend at once when the rejected response was the stream's first of this type.
      return cache.createWatch(false, waitForChange, requestedNames, responseConsumer, false,
          allowDefaultEmptyEdsUpdate);
    }

    boolean subscriptionChanged = context != null && context.previousNames() != null
        && !context.previousNames().equals(requestedNames);
    XdsRequest watched = subscriptionChanged
        ? XdsRequest.create(received.toBuilder().setVersionInfo(NO_VERSION).build())
        : request;
    return cache.createWatch(false, watched, knownResourceNames, responseConsumer, false,
        allowDefaultEmptyEdsUpdate);
  }

  @Override
  public DeltaWatch createDeltaWatch(
      DeltaXdsRequest request,
      String requesterVersion,
      Map<String, String> resourceVersions,
      Set<String> pendingResources,
      boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer,
      boolean hasClusterChanged) {
    // Delta xDS is served as java-control-plane does; Inmesh itself uses state of the world.
    return cache.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources,
        isWildcard, responseConsumer, hasClusterChanged);
  }

  private String currentVersion(XdsRequest request) {
    Snapshot snapshot = cache.getSnapshot(group);
    return snapshot == null ? null : snapshot.version(request.getResourceType());
  }
}
