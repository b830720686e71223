package io.inmesh.xds.client;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.inmesh.xds.resource.Decoded;
import io.inmesh.xds.resource.ResourceException;
import io.inmesh.xds.resource.ResourceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The client's view of one resource type on the ADS stream: the names it subscribes to, the last
 * accepted value of each, the names the server said do not exist, and the version/nonce to echo.
 * Confined to the client's executor.
 */
final class ResourceCache<T> {

  final ResourceType<?, T> type;
  private final Map<String, T> accepted = new HashMap<>();
  private final Set<String> absent = new HashSet<>();
  private Set<String> subscribed = new TreeSet<>();
  /** {@code version_info} of the last accepted response; echoed in ACKs, NACKs and on reconnect. */
  String versionInfo = "";
  /** {@code nonce} of the last response on the current stream. */
  String nonce = "";
  /** Whether a request for this type was sent on the current stream. */
  boolean requestedOnStream;

  ResourceCache(ResourceType<?, T> type) {
    this.type = type;
  }

  T get(String name) {
    return accepted.get(name);
  }

  boolean isAbsent(String name) {
    return absent.contains(name);
  }

  Set<String> subscribed() {
    return subscribed;
  }

  /**
   * Replaces the subscription. Values of names no longer subscribed are dropped (as gRPC does), so
   * a later resubscription waits for fresh data.
   *
   * @return true if the subscription changed
   */
  boolean subscribe(Set<String> names) {
    if (names.equals(subscribed)) {
      return false;
    }
    subscribed = new TreeSet<>(names);
    accepted.keySet().retainAll(subscribed);
    absent.retainAll(subscribed);
    return true;
  }

  /**
   * Applies a state-of-the-world response: every valid subscribed resource is accepted, each invalid
   * one keeps its last good value, and (LDS, CDS only) a subscribed name missing from the response
   * becomes absent.
   *
   * @return one "name: reason" entry per rejected resource; empty means ACK
   */
  List<String> apply(DiscoveryResponse response) {
    Map<String, T> valid = new HashMap<>();
    Set<String> rejected = new HashSet<>();
    List<String> errors = new ArrayList<>();
    boolean unnamedError = false;
    for (Any any : response.getResourcesList()) {
      try {
        Decoded<T> decoded = type.decode(any);
        if (valid.put(decoded.name(), decoded.value()) != null) {
          errors.add(decoded.name() + ": duplicate resource name in one response");
          rejected.add(decoded.name());
        }
      } catch (ResourceException e) {
        if (e.resourceName() == null) {
          unnamedError = true;
          errors.add("<unnamed>: " + e.reason());
        } else {
          rejected.add(e.resourceName());
          errors.add(e.resourceName() + ": " + e.reason());
        }
      }
    }
    for (Map.Entry<String, T> entry : valid.entrySet()) {
      String name = entry.getKey();
      // Names not subscribed to (e.g. a wildcard answer) are not ours to keep.
      if (subscribed.contains(name) && !rejected.contains(name)) {
        accepted.put(name, entry.getValue());
        absent.remove(name);
      }
    }
    // A resource that failed to decode has no name; it might be any missing one, so delete none.
    if (type.absentMeansDeleted() && !unnamedError) {
      for (String name : subscribed) {
        if (!valid.containsKey(name) && !rejected.contains(name)) {
          accepted.remove(name);
          absent.add(name);
        }
      }
    }
    return errors;
  }
}
