package io.inmesh.xds.resource;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * One xDS resource type (grpc-java's XdsResourceType is the model): its type URL, how a resource is
 * named, and a parse from the Envoy proto to an immutable value or a precise {@link
 * ResourceException}.
 *
 * @param <P> the Envoy proto (or a hand-decoded form of a proto without generated classes)
 * @param <T> the parsed value
 */
public abstract class ResourceType<P, T> {

  public abstract String typeUrl();

  /** A short name for logs: LDS, RDS, CDS or EDS. */
  public abstract String shortName();

  /**
   * State of the world: for LDS and CDS a subscribed name missing from a response means the resource
   * was deleted; RDS and EDS responses may carry only some names (xDS protocol, "Knowing When a
   * Requested Resource Does Not Exist").
   */
  public abstract boolean absentMeansDeleted();

  protected abstract Class<P> protoClass();

  /** The resource's proto from its {@code Any}: a generated message unless overridden. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected P unpack(Any any) throws InvalidProtocolBufferException {
    return (P) any.unpack((Class) protoClass());
  }

  protected abstract String nameOf(P proto);

  protected abstract T parse(P proto) throws ResourceException;

  /** Unpacks and parses one {@code DiscoveryResponse.resources} entry. */
  public final Decoded<T> decode(Any any) throws ResourceException {
    if (!typeUrl().equals(any.getTypeUrl())) {
      throw new ResourceException(null, "resource of type " + any.getTypeUrl()
          + " in a " + shortName() + " response");
    }
    P proto;
    try {
      proto = unpack(any);
    } catch (InvalidProtocolBufferException e) {
      throw new ResourceException(null, "cannot decode " + shortName() + " resource: "
          + e.getMessage());
    }
    String name = Names.intern(nameOf(proto));
    try {
      return new Decoded<>(name, parse(proto));
    } catch (ResourceException e) {
      throw e.resourceName() != null ? e : new ResourceException(name, e.reason());
    } catch (RuntimeException e) {
      // A model constructor refusing a value (e.g. a port out of range) is a NACK, not a crash.
      throw new ResourceException(name, "invalid: " + e.getMessage());
    }
  }
}
