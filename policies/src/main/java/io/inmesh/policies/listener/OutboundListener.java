package io.inmesh.policies.listener;

import java.util.BitSet;
import java.util.List;

/**
 * An outbound listener of the sidecar shape ({@code 0.0.0.0_9080}, {@code 127.96.0.15_5432},
 * {@code virtualOutbound}) and Envoy's filter chain selection over it.
 *
 * @param name the listener's name
 * @param address the bound address's bytes, or null for a wildcard ({@code 0.0.0.0}, {@code ::})
 * @param port the bound port
 * @param chains {@code filter_chains}, in order
 * @param defaultChain {@code default_filter_chain}, or null
 */
public record OutboundListener(String name, byte[] address, int port, List<FilterChain> chains,
    FilterChain defaultChain) {

  /** Application protocols Envoy's HTTP inspector reports for cleartext HTTP. */
  public static final String HTTP1 = "http/1.1";
  public static final String H2C = "h2c";

  public OutboundListener {
    chains = List.copyOf(chains);
    address = address == null ? null : address.clone();
  }

  /**
   * The chain Envoy would pick for a connection to {@code ip}:{@code port} (Envoy's order:
   * destination port, then the longest destination prefix, server names, transport protocol,
   * application protocols, source), or the default chain, or null.
   *
   * @param ip the destination's address, or null when unknown (chains that need one do not match)
   * @param applicationProtocol {@link #HTTP1} or {@link #H2C} for an HTTP call, null for a
   *     connection whose protocol is unknown
   */
  public FilterChain select(byte[] ip, int port, String applicationProtocol) {
    int n = chains.size();
    BitSet left = new BitSet(n);
    left.set(0, n);
    // destination_port: chains naming this port win over chains without one
    narrow(left, i -> match(i).destinationPort() == port, i -> match(i).destinationPort() == 0);
    // destination IP: the longest prefix containing it, else chains without prefix_ranges
    int longest = -1;
    for (int i = left.nextSetBit(0); i >= 0; i = left.nextSetBit(i + 1)) {
      longest = Math.max(longest, match(i).longestPrefixContaining(ip));
    }
    int best = longest;
    narrow(left, i -> best >= 0 && match(i).longestPrefixContaining(ip) == best,
        i -> match(i).prefixRanges().isEmpty());
    narrow(left, i -> false, i -> match(i).serverNames().isEmpty());
    narrow(left, i -> "raw_buffer".equals(match(i).transportProtocol()),
        i -> match(i).transportProtocol().isEmpty());
    narrow(left, i -> applicationProtocol != null
        && match(i).applicationProtocols().contains(applicationProtocol),
        i -> match(i).applicationProtocols().isEmpty());
    narrow(left, i -> false, i -> !match(i).sourceCriteria());
    int first = left.nextSetBit(0);
    return first >= 0 ? chains.get(first) : defaultChain;
  }

  private FilterChainMatch match(int i) {
    return chains.get(i).match();
  }

  private interface Criterion {
    boolean test(int chain);
  }

  /** Keeps the chains that match exactly, if any do; else those that leave the criterion unset. */
  private static void narrow(BitSet left, Criterion exact, Criterion unset) {
    boolean anyExact = false;
    for (int i = left.nextSetBit(0); i >= 0 && !anyExact; i = left.nextSetBit(i + 1)) {
      anyExact = exact.test(i);
    }
    for (int i = left.nextSetBit(0); i >= 0; i = left.nextSetBit(i + 1)) {
      if (anyExact ? !exact.test(i) : !unset.test(i)) {
        left.clear(i);
      }
    }
  }
}
