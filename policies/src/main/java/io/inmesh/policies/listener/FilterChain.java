package io.inmesh.policies.listener;

import io.inmesh.policies.ratelimit.TokenBucket;
import io.inmesh.policies.route.RouteTable;

/**
 * One {@code filter_chains} entry of an outbound listener, reduced to what a client applies: an
 * HTTP connection manager's route table (RDS resolved, HTTP filters attached) or a
 * {@code tcp_proxy}, and the network local rate limit in front of it.
 *
 * @param name {@code name}, for logs and the admin endpoint
 * @param match {@code filter_chain_match}
 * @param routes the HTTP connection manager's route table, or null for a TCP chain (or one whose
 *     RDS has not arrived)
 * @param tcpProxy the {@code tcp_proxy}, or null for an HTTP chain
 * @param connectionLimit {@code envoy.filters.network.local_ratelimit}'s {@code token_bucket}: one
 *     token per new connection, refused when empty; null without the filter
 */
public record FilterChain(String name, FilterChainMatch match, RouteTable routes,
    TcpProxy tcpProxy, TokenBucket connectionLimit) {

  public FilterChain {
    if (match == null) {
      match = FilterChainMatch.ANY;
    }
  }

  /** Whether this chain speaks HTTP (has an HTTP connection manager). */
  public boolean http() {
    return tcpProxy == null;
  }
}
