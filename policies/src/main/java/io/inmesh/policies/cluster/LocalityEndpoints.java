package io.inmesh.policies.cluster;

import java.util.List;

/**
 * One EDS {@code LocalityLbEndpoints}.
 *
 * @param locality {@code region/zone/sub_zone} ("" parts when unset)
 * @param weight {@code load_balancing_weight}, 0 when unset
 * @param priority {@code priority} (0 is the highest)
 */
public record LocalityEndpoints(String locality, int weight, int priority,
    List<Endpoint> endpoints) {

  public LocalityEndpoints {
    endpoints = List.copyOf(endpoints);
    if (weight < 0 || priority < 0) {
      throw new IllegalArgumentException("negative locality weight or priority");
    }
  }
}
