package io.inmesh.xds.resource;

import io.envoyproxy.envoy.config.listener.v3.Listener;

/**
 * What both shapes of LDS share: the type URL, names, and that a listener missing from a
 * state-of-the-world response is deleted. Subclasses decode it as their shape says.
 */
abstract class ListenerType<U> extends ResourceType<Listener, U> {

  @Override
  public final String typeUrl() {
    return ListenerResourceType.TYPE_URL;
  }

  @Override
  public final String shortName() {
    return "LDS";
  }

  @Override
  public final boolean absentMeansDeleted() {
    return true;
  }

  @Override
  protected final Class<Listener> protoClass() {
    return Listener.class;
  }

  @Override
  protected final String nameOf(Listener proto) {
    return proto.getName();
  }
}
