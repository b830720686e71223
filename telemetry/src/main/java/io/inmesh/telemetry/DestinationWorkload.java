package io.inmesh.telemetry;

/**
 * The workload behind one endpoint, from the endpoint's {@code istio} filter metadata field
 * {@code workload}: {@code name;namespace;canonical-service;revision;cluster}, as istiod writes it
 * into EDS for every Kubernetes endpoint.
 */
public record DestinationWorkload(String name, String namespace, String canonicalService,
    String canonicalRevision, String cluster) {

  public DestinationWorkload {
    name = orUnknown(name);
    namespace = orUnknown(namespace);
    canonicalService = orUnknown(canonicalService);
    canonicalRevision = canonicalRevision == null || canonicalRevision.isEmpty()
        ? "latest" : canonicalRevision;
    cluster = orUnknown(cluster);
  }

  /**
   * Parses the {@code workload} field; null for null or a value without the five parts. An empty
   * revision is {@code latest}, as Istio reads it.
   */
  public static DestinationWorkload parse(String workloadField) {
    if (workloadField == null) {
      return null;
    }
    String[] p = workloadField.split(";", -1);
    if (p.length < 5) {
      return null;
    }
    return new DestinationWorkload(p[0], p[1], p[2], p[3], p[4]);
  }

  private static String orUnknown(String s) {
    return s == null || s.isEmpty() ? SourceWorkload.UNKNOWN : s;
  }
}
