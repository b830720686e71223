package io.inmesh.policies.cluster;

import io.inmesh.policies.RandomSource;
import java.util.List;

/**
 * {@code MAGLEV}, built as Envoy's {@code MaglevTable}: each host has an offset
 * {@code xxHash64(address) % M} and a skip {@code xxHash64(address, seed 1) % (M - 1) + 1} and
 * fills the table along its permutation, heavier hosts more often ({@code table_size} M default
 * 65537, a prime). A request takes entry {@code hash % M}; without a hash, a random entry.
 */
public final class Maglev implements LoadBalancer {

  public static final long DEFAULT_TABLE_SIZE = 65537;

  private final Host[] table;

  public Maglev(List<Host> hosts, double[] weights, long tableSize, boolean useHostname) {
    int m = (int) tableSize;
    if (hosts.isEmpty()) {
      table = new Host[0];
      return;
    }
    int n = hosts.size();
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    double[] target = new double[n];
    double maxWeight = 0;
    for (int i = 0; i < n; i++) {
      String key = RingHash.key(hosts.get(i), useHostname);
      offset[i] = Long.remainderUnsigned(XxHash64.hash(key), m);
      skip[i] = Long.remainderUnsigned(XxHash64.hash(key, 1), m - 1) + 1;
      maxWeight = Math.max(maxWeight, weights[i]);
    }
    Host[] t = new Host[m];
    int filled = 0;
    for (long iteration = 1; filled < m; iteration++) {
      for (int i = 0; i < n && filled < m; i++) {
        if (iteration * weights[i] < target[i]) {
          continue;
        }
        target[i] += maxWeight;
        int c = (int) ((offset[i] + skip[i] * next[i]) % m);
        while (t[c] != null) {
          next[i]++;
          c = (int) ((offset[i] + skip[i] * next[i]) % m);
        }
        t[c] = hosts.get(i);
        next[i]++;
        filled++;
      }
    }
    table = t;
  }

  @Override
  public boolean usesHash() {
    return true;
  }

  @Override
  public Host pick(long hash, boolean hashed, RandomSource random) {
    if (table.length == 0) {
      return null;
    }
    long h = hashed ? hash : random.nextLong();
    return table[(int) Long.remainderUnsigned(h, table.length)];
  }
}
