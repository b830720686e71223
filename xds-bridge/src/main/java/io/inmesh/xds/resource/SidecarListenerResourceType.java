package io.inmesh.xds.resource;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.inmesh.policies.listener.Cidr;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.policies.ratelimit.TokenBucket;
import io.inmesh.xds.resource.SidecarListenerUpdate.Chain;
import io.inmesh.xds.resource.SidecarListenerUpdate.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * LDS in the sidecar shape (istiod's output for an Envoy sidecar, asked for by wildcard): outbound
 * listeners bound to {@code address.socket_address}, each with {@code filter_chains} (and
 * {@code default_filter_chain}) selected by {@code filter_chain_match}. Of a chain's network
 * filters, three are applied: {@code envoy.filters.network.http_connection_manager} (decoded by
 * {@link HttpConnectionManagerDecoder} with the sidecar's rules), {@code tcp_proxy}
 * ({@code cluster} or {@code weighted_clusters}) and {@code local_ratelimit} (its token bucket
 * limits new connections; TypedStruct-wrapped too).
 *
 * <p>Ignored without a NACK, because they only make sense in a proxy: inbound listeners
 * ({@code virtualInbound}, {@code inbound|...}, {@code traffic_direction: INBOUND}); listeners
 * without a socket address (internal listeners); {@code listener_filters} (original_dst,
 * tls_inspector, http_inspector); network filters other than the three above (Istio's
 * {@code istio.metadata_exchange}, {@code istio.stats}, any config whose type no Envoy proto
 * defines, and Envoy's rbac, mongo/mysql/redis proxies, ...: logged once per type); a chain left
 * with neither an HTTP connection manager nor a {@code tcp_proxy} (logged once). A listener with
 * {@code use_original_dst} ({@code virtualOutbound}) is the catch-all.
 */
public final class SidecarListenerResourceType extends ListenerType<SidecarListenerUpdate> {

  private static final AgentLog LOG = AgentLog.get(SidecarListenerResourceType.class);

  static final String TCP_PROXY_TYPE = "type.googleapis.com/"
      + TcpProxy.getDescriptor().getFullName();
  static final String NETWORK_LOCAL_RATE_LIMIT_TYPE = "type.googleapis.com/"
      + LocalRateLimit.getDescriptor().getFullName();

  /** Chains dropped for want of a terminal filter, by listener, so each is logged once. */
  private final Set<String> reportedChains = ConcurrentHashMap.newKeySet();

  /** Whether a listener is a sidecar's server side. */
  static boolean inbound(Listener l) {
    return l.getName().equals("virtualInbound") || l.getName().startsWith("inbound|")
        || l.getTrafficDirection() == TrafficDirection.INBOUND;
  }

  @Override
  protected SidecarListenerUpdate parse(Listener l) throws ResourceException {
    String name = Names.intern(l.getName());
    if (inbound(l)) {
      return SidecarListenerUpdate.ignored(name, "inbound");
    }
    if (!l.hasAddress() || !l.getAddress().hasSocketAddress()) {
      return SidecarListenerUpdate.ignored(name, "not bound to a socket address ("
          + l.getAddress().getAddressCase() + ")");
    }
    SocketAddress socket = l.getAddress().getSocketAddress();
    byte[] address = Cidr.literal(socket.getAddress());
    if (address == null) {
      throw new ResourceException(null, "address.socket_address.address '"
          + socket.getAddress() + "' is not an IP address");
    }
    int port = socket.getPortValue();
    if (port <= 0 || port > 65535) {
      throw new ResourceException(null, "address.socket_address.port_value " + port);
    }
    List<Chain> chains = new ArrayList<>();
    for (int i = 0; i < l.getFilterChainsCount(); i++) {
      Chain c = chain(name, i, l.getFilterChains(i));
      if (c != null) {
        chains.add(c);
      }
    }
    Chain defaultChain = l.hasDefaultFilterChain()
        ? chain(name, -1, l.getDefaultFilterChain()) : null;
    Role role = l.hasUseOriginalDst() && l.getUseOriginalDst().getValue() ? Role.VIRTUAL_OUTBOUND
        : Role.OUTBOUND;
    return new SidecarListenerUpdate(name, address, port, chains, defaultChain, role, null);
  }

  /** One filter chain, or null when it has no filter a client applies as its terminal one. */
  private Chain chain(String listener, int index, FilterChain fc) throws ResourceException {
    String name = !fc.getName().isEmpty() ? fc.getName()
        : listener + (index < 0 ? "#default" : "#" + index);
    String where = "filter chain '" + name + "'";
    ListenerUpdate http = null;
    io.inmesh.policies.listener.TcpProxy tcp = null;
    TokenBucket limit = null;
    for (Filter f : fc.getFiltersList()) {
      if (!f.hasTypedConfig()) {
        HttpConnectionManagerDecoder.reportIgnored("network filter", f.getName(),
            "(no typed_config)");
        continue;
      }
      Any config = f.getTypedConfig();
      String type = HttpConnectionManagerDecoder.filterType(config, f.getName());
      String at = where + ", network filter '" + f.getName() + "'";
      try {
        if (HttpConnectionManagerDecoder.HCM_TYPE_URL.equals(type)) {
          http = HttpConnectionManagerDecoder.decode(Names.intern(name),
              TypedStructs.unpack(config, io.envoyproxy.envoy.extensions.filters.network
                  .http_connection_manager.v3.HttpConnectionManager.getDefaultInstance(), at),
              HttpConnectionManagerDecoder.Strictness.SIDECAR);
        } else if (TCP_PROXY_TYPE.equals(type)) {
          tcp = tcpProxy(TypedStructs.unpack(config, TcpProxy.getDefaultInstance(), at), at);
        } else if (NETWORK_LOCAL_RATE_LIMIT_TYPE.equals(type)) {
          limit = connectionLimit(TypedStructs.unpack(config, LocalRateLimit.getDefaultInstance(),
              at), at);
        } else {
          HttpConnectionManagerDecoder.reportIgnored("network filter", f.getName(), type);
        }
      } catch (ResourceException e) {
        throw new ResourceException(null, e.reason().startsWith(where) ? e.reason()
            : where + ": " + e.reason());
      }
    }
    if (http == null && tcp == null) {
      if (reportedChains.add(listener)) {
        LOG.info("listener %s: %s has neither an http_connection_manager nor a tcp_proxy; the"
            + " chain is left out (logged once per listener)", listener, where);
      }
      return null;
    }
    if (http != null && tcp != null) {
      throw new ResourceException(null, where + " has both an http_connection_manager and a"
          + " tcp_proxy");
    }
    return new Chain(Names.intern(name), match(fc.getFilterChainMatch(), where), http, tcp,
        limit);
  }

  static io.inmesh.policies.listener.FilterChainMatch match(FilterChainMatch m, String where)
      throws ResourceException {
    if (m.equals(FilterChainMatch.getDefaultInstance())) {
      return io.inmesh.policies.listener.FilterChainMatch.ANY;
    }
    List<Cidr> ranges = new ArrayList<>();
    for (CidrRange r : m.getPrefixRangesList()) {
      byte[] prefix = Cidr.literal(r.getAddressPrefix());
      if (prefix == null) {
        throw new ResourceException(null, where + ": prefix_ranges address_prefix '"
            + r.getAddressPrefix() + "' is not an IP address");
      }
      ranges.add(new Cidr(prefix, r.hasPrefixLen() ? r.getPrefixLen().getValue()
          : prefix.length * 8));
    }
    boolean source = m.getDirectSourcePrefixRangesCount() > 0
        || m.getSourcePrefixRangesCount() > 0 || m.getSourcePortsCount() > 0
        || m.getSourceType() != FilterChainMatch.ConnectionSourceType.ANY;
    return new io.inmesh.policies.listener.FilterChainMatch(
        m.hasDestinationPort() ? m.getDestinationPort().getValue() : 0, ranges,
        m.getServerNamesList(), m.getTransportProtocol(),
        Set.copyOf(m.getApplicationProtocolsList()), source);
  }

  static io.inmesh.policies.listener.TcpProxy tcpProxy(TcpProxy t, String where)
      throws ResourceException {
    switch (t.getClusterSpecifierCase()) {
      case CLUSTER:
        if (t.getCluster().isEmpty()) {
          throw new ResourceException(null, where + ": tcp_proxy cluster is empty");
        }
        return new io.inmesh.policies.listener.TcpProxy(Names.intern(t.getStatPrefix()),
            Names.intern(t.getCluster()), List.of());
      case WEIGHTED_CLUSTERS:
        List<io.inmesh.policies.listener.TcpProxy.WeightedCluster> weighted = new ArrayList<>();
        for (TcpProxy.WeightedCluster.ClusterWeight w
            : t.getWeightedClusters().getClustersList()) {
          weighted.add(new io.inmesh.policies.listener.TcpProxy.WeightedCluster(
              Names.intern(w.getName()), Integer.toUnsignedLong(w.getWeight())));
        }
        try {
          return new io.inmesh.policies.listener.TcpProxy(Names.intern(t.getStatPrefix()), null,
              weighted);
        } catch (IllegalArgumentException e) {
          throw new ResourceException(null, where + ": " + e.getMessage());
        }
      default:
        throw new ResourceException(null, where + ": tcp_proxy has neither cluster nor"
            + " weighted_clusters");
    }
  }

  /**
   * The network local rate limit's bucket: one token per new connection. Null when its
   * {@code runtime_enabled} default is off.
   */
  static TokenBucket connectionLimit(LocalRateLimit l, String where) throws ResourceException {
    if (l.hasRuntimeEnabled() && l.getRuntimeEnabled().hasDefaultValue()
        && !l.getRuntimeEnabled().getDefaultValue().getValue()) {
      return null;
    }
    if (!l.hasTokenBucket()) {
      throw new ResourceException(null, where + ": local_ratelimit has no token_bucket");
    }
    return RoutePoliciesDecoder.bucket(l.getTokenBucket(), where, System.nanoTime());
  }
}
