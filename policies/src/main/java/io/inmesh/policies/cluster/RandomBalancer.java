package io.inmesh.policies.cluster;

import io.inmesh.policies.RandomSource;
import java.util.List;

/** {@code RANDOM}: a uniformly random host; Envoy's random balancer ignores endpoint weights. */
public final class RandomBalancer implements LoadBalancer {

  private final Host[] hosts;

  public RandomBalancer(List<Host> hosts) {
    this.hosts = hosts.toArray(new Host[0]);
  }

  @Override
  public Host pick(long hash, boolean hashed, RandomSource random) {
    return hosts.length == 0 ? null : hosts[random.nextInt(hosts.length)];
  }
}
