package io.inmesh.xds.client;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.inmesh.policies.cluster.XxHash64;
import io.inmesh.xds.resource.Decoded;
import io.inmesh.xds.resource.ResourceException;
import io.inmesh.xds.resource.ResourceType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The client's view of one resource type on the ADS stream: the names it subscribes to (or every
 * name, for a wildcard subscription), the last accepted value of each, the names the server said
 * do not exist, and the version/nonce to echo. A resource whose bytes did not change since it was
 * accepted keeps its decoded value (the same instance) without being decoded again, so a
 * state-of-the-world push that repeats the whole mesh costs a hash per unchanged resource and
 * leaves the model built from it untouched. Confined to the client's executor.
 *
 * <p>"Unchanged" is judged by a {@link Fingerprint} (xxHash64 and length of the serialized
 * resource, as Envoy compares {@code MessageUtil::hash}), not the bytes themselves, which would
 * keep a second copy of the whole mesh (3.9 MiB for 1,000 services). A changed resource is taken
 * for an accepted one only if its 64-bit hash and its length both equal one of the n accepted
 * resources': at most n / 2^64 per resource received. For a 5,000-resource mesh that is
 * 3 x 10^-16 per resource, 1.4 x 10^-12 per full push (pushed every second: once in 20,000
 * years). The control plane is trusted with routing anyway, so crafted collisions are no concern.
 */
final class ResourceCache<T> {

  final ResourceType<?, T> type;
  /** State of the world wildcard (empty {@code resource_names}): every resource is ours. */
  private final boolean wildcard;
  private final Map<String, T> accepted = new HashMap<>();
  /** The fingerprint of the serialized resource each accepted value was decoded from. */
  private final Map<String, Fingerprint> sources = new HashMap<>();
  private Map<Fingerprint, Decoded<T>> bySource = Map.of();
  private final Set<String> absent = new HashSet<>();
  private Set<String> subscribed = new TreeSet<>();
  /** {@code version_info} of the last accepted response; echoed in ACKs, NACKs and on reconnect. */
  String versionInfo = "";
  /** {@code nonce} of the last response on the current stream. */
  String nonce = "";
  /** Whether a request for this type was sent on the current stream. */
  boolean requestedOnStream;
  /** Whether any response of this type was applied (accepted or not) since the client started. */
  boolean received;

  ResourceCache(ResourceType<?, T> type) {
    this(type, false);
  }

  ResourceCache(ResourceType<?, T> type, boolean wildcard) {
    this.type = type;
    this.wildcard = wildcard;
  }

  boolean wildcard() {
    return wildcard;
  }

  T get(String name) {
    return accepted.get(name);
  }

  boolean isAbsent(String name) {
    return absent.contains(name);
  }

  /** The names to request: empty for a wildcard subscription. */
  Set<String> subscribed() {
    return subscribed;
  }

  /** The names of every accepted resource. */
  Set<String> names() {
    return Collections.unmodifiableSet(accepted.keySet());
  }

  /** Whether a request should be sent for this type on a new stream. */
  boolean wantsRequest() {
    return wildcard || !subscribed.isEmpty();
  }

  /**
   * Replaces the subscription. Values of names no longer subscribed are dropped (as gRPC does), so
   * a later resubscription waits for fresh data.
   *
   * @return true if the subscription changed
   */
  boolean subscribe(Set<String> names) {
    if (wildcard) {
      throw new IllegalStateException(type.shortName() + " is a wildcard subscription");
    }
    if (names.equals(subscribed)) {
      return false;
    }
    subscribed = new TreeSet<>(names);
    accepted.keySet().retainAll(subscribed);
    sources.keySet().retainAll(subscribed);
    absent.retainAll(subscribed);
    reindexSources();
    return true;
  }

  private boolean wanted(String name) {
    return wildcard || subscribed.contains(name);
  }

  /**
   * Applies a state-of-the-world response: every valid wanted resource is accepted, each invalid
   * one keeps its last good value, and (LDS, CDS only) a wanted name missing from the response
   * becomes absent (for a wildcard subscription: is deleted).
   *
   * @return one "name: reason" entry per rejected resource; empty means ACK
   */
  List<String> apply(DiscoveryResponse response) {
    received = true;
    Map<String, T> valid = new HashMap<>();
    Map<String, Fingerprint> validSources = new HashMap<>();
    Set<String> rejected = new HashSet<>();
    List<String> errors = new ArrayList<>();
    boolean unnamedError = false;
    for (Any any : response.getResourcesList()) {
      try {
        Fingerprint source = Fingerprint.of(any.getValue());
        Decoded<T> decoded = type.typeUrl().equals(any.getTypeUrl())
            ? bySource.get(source) : null;
        if (decoded == null) {
          decoded = type.decode(any);
        }
        if (valid.put(decoded.name(), decoded.value()) != null) {
          errors.add(decoded.name() + ": duplicate resource name in one response");
          rejected.add(decoded.name());
        }
        validSources.put(decoded.name(), source);
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
      // Names not subscribed to are not ours to keep.
      if (wanted(name) && !rejected.contains(name)) {
        accepted.put(name, entry.getValue());
        sources.put(name, validSources.get(name));
        absent.remove(name);
      }
    }
    // A resource that failed to decode has no name; it might be any missing one, so delete none.
    if (type.absentMeansDeleted() && !unnamedError) {
      Set<String> known = wildcard ? new HashSet<>(accepted.keySet()) : subscribed;
      for (String name : known) {
        if (!valid.containsKey(name) && !rejected.contains(name)) {
          accepted.remove(name);
          sources.remove(name);
          if (!wildcard) {
            absent.add(name);
          }
        }
      }
    }
    reindexSources();
    return errors;
  }

  private void reindexSources() {
    Map<Fingerprint, Decoded<T>> index = new HashMap<>(sources.size() * 2);
    for (Map.Entry<String, Fingerprint> e : sources.entrySet()) {
      index.put(e.getValue(), new Decoded<>(e.getKey(), accepted.get(e.getKey())));
    }
    bySource = index;
  }

  /** What is kept of a serialized resource to recognise it again: its xxHash64 and length. */
  private record Fingerprint(long hash, int length) {

    static Fingerprint of(ByteString bytes) {
      // A view of the bytes where protobuf can give one (no copy for a flat ByteString).
      return new Fingerprint(XxHash64.hash(bytes.asReadOnlyByteBuffer(), 0), bytes.size());
    }
  }
}
