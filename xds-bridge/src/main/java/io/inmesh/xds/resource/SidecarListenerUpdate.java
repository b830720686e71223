package io.inmesh.xds.resource;

import io.inmesh.policies.listener.FilterChainMatch;
import io.inmesh.policies.listener.TcpProxy;
import io.inmesh.policies.ratelimit.TokenBucket;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed listener of istiod's sidecar output.
 *
 * @param name the listener's name ({@code 0.0.0.0_9080}, {@code 127.96.0.15_5432},
 *     {@code virtualOutbound})
 * @param address {@code address.socket_address.address} as bytes (all zero for a wildcard), or
 *     null for an ignored listener
 * @param port {@code address.socket_address.port_value}
 * @param chains {@code filter_chains}, in order, without those a client cannot apply
 * @param defaultChain {@code default_filter_chain}, or null
 * @param role what the listener is to a client
 * @param ignoredReason why an {@link Role#IGNORED} listener is ignored, else null
 */
public record SidecarListenerUpdate(String name, byte[] address, int port,
    List<Chain> chains, Chain defaultChain, Role role, String ignoredReason) {

  /** What a listener is to a client. */
  public enum Role {
    /** An outbound listener: {@code 0.0.0.0_PORT} or {@code VIP_PORT}. */
    OUTBOUND,
    /** {@code use_original_dst}: the catch-all for destinations no other listener binds. */
    VIRTUAL_OUTBOUND,
    /** Inbound ({@code virtualInbound}, {@code inbound|...}) or not bound to an IP address. */
    IGNORED
  }

  /**
   * One filter chain: an HTTP connection manager or a {@code tcp_proxy}, and the network local
   * rate limit in front of it.
   *
   * @param name the chain's {@code name}, or {@code LISTENER#INDEX} when it has none
   * @param match {@code filter_chain_match}
   * @param http the HTTP connection manager (its RDS name or inline routes, HTTP filters, session
   *     affinity and trace sampling), or null for a TCP chain
   * @param tcpProxy the {@code tcp_proxy}, or null for an HTTP chain
   * @param connectionLimit {@code envoy.filters.network.local_ratelimit}'s bucket, or null; one
   *     instance per decoded listener, so its tokens survive pushes that leave it unchanged
   */
  public record Chain(String name, FilterChainMatch match, ListenerUpdate http, TcpProxy tcpProxy,
      TokenBucket connectionLimit) {

    public Chain {
      if ((http == null) == (tcpProxy == null)) {
        throw new IllegalArgumentException("a filter chain has exactly one of an HTTP connection"
            + " manager and a tcp_proxy");
      }
    }
  }

  public SidecarListenerUpdate {
    chains = List.copyOf(chains);
  }

  static SidecarListenerUpdate ignored(String name, String reason) {
    return new SidecarListenerUpdate(name, null, 0, List.of(), null, Role.IGNORED, reason);
  }

  /** The RDS names of the listener's HTTP chains (default chain included). */
  public List<String> rdsNames() {
    List<String> names = new ArrayList<>();
    for (Chain c : chains) {
      addRds(c, names);
    }
    if (defaultChain != null) {
      addRds(defaultChain, names);
    }
    return names;
  }

  private static void addRds(Chain c, List<String> names) {
    if (c.http() != null && c.http().rdsName() != null) {
      names.add(c.http().rdsName());
    }
  }
}
