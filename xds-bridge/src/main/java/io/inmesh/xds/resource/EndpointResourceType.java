package io.inmesh.xds.resource;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;

/** EDS: {@code envoy.config.endpoint.v3.ClusterLoadAssignment}, named by the EDS service name. */
public final class EndpointResourceType extends ResourceType<ClusterLoadAssignment,
    EndpointUpdate> {

  public static final String TYPE_URL =
      "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public String shortName() {
    return "EDS";
  }

  @Override
  public boolean absentMeansDeleted() {
    return false;
  }

  @Override
  protected Class<ClusterLoadAssignment> protoClass() {
    return ClusterLoadAssignment.class;
  }

  @Override
  protected String nameOf(ClusterLoadAssignment proto) {
    return proto.getClusterName();
  }

  @Override
  protected EndpointUpdate parse(ClusterLoadAssignment proto) throws ResourceException {
    return LoadAssignmentDecoder.decode(proto);
  }
}
