package io.inmesh.policies.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * A cluster's endpoints: EDS {@code ClusterLoadAssignment} or a static cluster's
 * {@code load_assignment}.
 *
 * @param overprovisioningFactor {@code policy.overprovisioning_factor} in percent (140 default)
 */
public record LoadAssignment(List<LocalityEndpoints> localities, int overprovisioningFactor) {

  public static final int DEFAULT_OVERPROVISIONING = 140;

  public LoadAssignment {
    localities = List.copyOf(localities);
    if (overprovisioningFactor <= 0) {
      throw new IllegalArgumentException("overprovisioning_factor must be positive");
    }
  }

  /** One locality at priority 0 with the default factor. */
  public static LoadAssignment of(List<Endpoint> endpoints) {
    return new LoadAssignment(List.of(new LocalityEndpoints("", 0, 0, endpoints)),
        DEFAULT_OVERPROVISIONING);
  }

  /** Every endpoint, in priority then locality order. */
  public List<Endpoint> endpoints() {
    List<Endpoint> all = new ArrayList<>();
    localities.stream().sorted((a, b) -> Integer.compare(a.priority(), b.priority()))
        .forEach(l -> all.addAll(l.endpoints()));
    return all;
  }
}
