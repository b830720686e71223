package io.inmesh.telemetry;

/**
 * Looks up the Istio workload metadata of the endpoint a call went to (the runtime's comes from the
 * live snapshot's EDS endpoints). Called once per call: must be a cheap lookup.
 */
@FunctionalInterface
public interface EndpointMetadata {

  EndpointMetadata NONE = (cluster, upstreamHost) -> null;

  /**
   * @param cluster the call's cluster, or null
   * @param upstreamHost the dialled {@code ip:port}, or null
   * @return the endpoint's workload, or null when unknown
   */
  DestinationWorkload workload(String cluster, String upstreamHost);
}
