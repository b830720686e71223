package io.inmesh.policies.cluster;

import io.inmesh.policies.RandomSource;
import java.util.Arrays;
import java.util.List;

/**
 * {@code RING_HASH}, built as Envoy's {@code RingHashLoadBalancer}: each host gets a share of
 * {@code scale * normalized_weight} ring entries, where the scale makes the lightest host get at
 * least one whole entry with the ring between {@code minimum_ring_size} (default 1024) and
 * {@code maximum_ring_size} (default 8M); entry i of a host is {@code xxHash64("address_i")}. A
 * request takes the first entry at or after its hash (wrapping); without a hash, a random point.
 */
public final class RingHash implements LoadBalancer {

  public static final long DEFAULT_MIN_RING_SIZE = 1024;
  public static final long DEFAULT_MAX_RING_SIZE = 8 * 1024 * 1024;

  private final long[] hashes;
  private final Host[] hosts;

  /**
   * @param weights each host's normalized weight (positive, summing to 1)
   * @param useHostname hash {@code Endpoint.hostname} instead of the address when set
   *     ({@code consistent_hashing_lb_config.use_hostname_for_hashing})
   */
  public RingHash(List<Host> hostList, double[] weights, long minRingSize, long maxRingSize,
      boolean useHostname) {
    if (hostList.isEmpty()) {
      hashes = new long[0];
      hosts = new Host[0];
      return;
    }
    double minWeight = Double.MAX_VALUE;
    for (double w : weights) {
      minWeight = Math.min(minWeight, w);
    }
    double scale = Math.min(Math.ceil(minWeight * minRingSize) / minWeight, (double) maxRingSize);
    int ringSize = (int) Math.ceil(scale);
    long[] h = new long[ringSize + hostList.size()];
    Host[] owner = new Host[h.length];
    int n = 0;
    double current = 0;
    double target = 0;
    for (int i = 0; i < hostList.size(); i++) {
      Host host = hostList.get(i);
      String key = key(host, useHostname) + "_";
      target += scale * weights[i];
      long k = 0;
      while (current < target && n < h.length) {
        h[n] = XxHash64.hash(key + k);
        owner[n] = host;
        n++;
        k++;
        current++;
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compareUnsigned(h[a], h[b]));
    hashes = new long[n];
    hosts = new Host[n];
    for (int i = 0; i < n; i++) {
      hashes[i] = h[order[i]];
      hosts[i] = owner[order[i]];
    }
  }

  static String key(Host host, boolean useHostname) {
    Endpoint e = host.endpoint();
    return useHostname && e.hostname() != null ? e.hostname() : e.address();
  }

  /** Entries on the ring, for tests and the admin view. */
  public int size() {
    return hashes.length;
  }

  @Override
  public boolean usesHash() {
    return true;
  }

  @Override
  public Host pick(long hash, boolean hashed, RandomSource random) {
    if (hashes.length == 0) {
      return null;
    }
    long h = hashed ? hash : random.nextLong();
    int lo = 0;
    int hi = hashes.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(hashes[mid], h) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return hosts[lo == hashes.length ? 0 : lo];
  }
}
