package io.inmesh.policies.listener;

import java.util.List;
import java.util.Set;

/**
 * {@code config.listener.v3.FilterChainMatch}, the criteria an in-process connection can be judged
 * by. A connection the agent sees has a destination address and port; it has no SNI (the
 * application's TLS, if any, starts after the connect), its transport is {@code raw_buffer}, and its
 * application protocol is known only for HTTP calls ({@code http/1.1} or {@code h2c}, as Envoy's
 * HTTP inspector would name it).
 *
 * @param destinationPort {@code destination_port}, 0 when unset
 * @param prefixRanges {@code prefix_ranges} (destination IP)
 * @param serverNames {@code server_names}: never matched in process (no SNI is known)
 * @param transportProtocol {@code transport_protocol}, empty when unset
 * @param applicationProtocols {@code application_protocols}
 * @param sourceCriteria whether any of {@code direct_source_prefix_ranges},
 *     {@code source_prefix_ranges}, {@code source_ports} or a non-ANY {@code source_type} is set:
 *     such a chain is for traffic from a particular peer, which an outbound call is not matched
 *     against
 */
public record FilterChainMatch(int destinationPort, List<Cidr> prefixRanges,
    List<String> serverNames, String transportProtocol, Set<String> applicationProtocols,
    boolean sourceCriteria) {

  /** Matches every connection. */
  public static final FilterChainMatch ANY = new FilterChainMatch(0, List.of(), List.of(), "",
      Set.of(), false);

  public FilterChainMatch {
    prefixRanges = List.copyOf(prefixRanges);
    serverNames = List.copyOf(serverNames);
    applicationProtocols = Set.copyOf(applicationProtocols);
    transportProtocol = transportProtocol == null ? "" : transportProtocol;
  }

  /** The longest of {@code prefix_ranges} containing {@code ip}; -1 when none does. */
  int longestPrefixContaining(byte[] ip) {
    int best = -1;
    for (Cidr cidr : prefixRanges) {
      if (cidr.length() > best && cidr.contains(ip)) {
        best = cidr.length();
      }
    }
    return best;
  }
}
