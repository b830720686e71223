package io.inmesh.policies.listener;

import io.inmesh.policies.route.RouteTable;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outbound side of a sidecar-shaped mesh, resolved as Envoy resolves a redirected connection:
 * the listener bound to the destination's exact {@code IP:port} ({@code 127.96.0.15_5432}), else
 * the wildcard listener for the port ({@code 0.0.0.0_9080}), else {@code virtualOutbound}'s
 * chains; then the listener's filter chain for the connection. Empty in the proxyless shape, whose
 * routes are per target ({@link io.inmesh.policies.MeshSnapshot#routesByTarget()}).
 *
 * @param listeners the outbound listeners (inbound ones are not a client's business)
 * @param virtualOutbound the catch-all listener ({@code use_original_dst}), or null
 * @param names the NDS name table, {@link NameTable#EMPTY} without one
 * @param passthroughClusters the names of {@code ORIGINAL_DST} clusters
 *     ({@code PassthroughCluster}): a call routed to one goes where the application sent it
 */
public final class OutboundListeners {

  public static final OutboundListeners NONE = new OutboundListeners(List.of(), null,
      NameTable.EMPTY, Set.of());

  private final List<OutboundListener> listeners;
  private final OutboundListener virtualOutbound;
  private final NameTable names;
  private final Set<String> passthroughClusters;
  private final Index index;

  public OutboundListeners(List<OutboundListener> listeners, OutboundListener virtualOutbound,
      NameTable names, Set<String> passthroughClusters) {
    this.listeners = List.copyOf(listeners);
    this.virtualOutbound = virtualOutbound;
    this.names = names == null ? NameTable.EMPTY : names;
    this.passthroughClusters = Set.copyOf(passthroughClusters);
    this.index = new Index(this.listeners);
  }

  public List<OutboundListener> listeners() {
    return listeners;
  }

  public OutboundListener virtualOutbound() {
    return virtualOutbound;
  }

  public NameTable names() {
    return names;
  }

  public Set<String> passthroughClusters() {
    return passthroughClusters;
  }

  public boolean isEmpty() {
    return listeners.isEmpty() && virtualOutbound == null;
  }

  /** Whether calls routed to this cluster pass through to their original destination. */
  public boolean passthrough(String cluster) {
    return passthroughClusters.contains(cluster);
  }

  /**
   * The route table of an HTTP call to {@code host}:{@code port}: the HTTP chain of the listener
   * the destination resolves to; null when there is none (no listener, or a TCP chain: the
   * connection is then the socket layer's business). A host given by name is looked up in the name
   * table; without an entry only the port's wildcard listener can apply. Allocation-free unless
   * the listener's chains depend on the destination IP.
   */
  public RouteTable httpRoutes(String host, int port) {
    byte[] ip = Cidr.literal(host);
    if (ip == null) {
      ip = names.firstAddress(host);
    }
    return httpRoutes(ip, port);
  }

  /**
   * As {@link #httpRoutes(String, int)} for a destination already resolved: {@code ip}, or null
   * when its address is unknown.
   */
  public RouteTable httpRoutes(byte[] ip, int port) {
    OutboundListener listener = ip == null ? null : index.exact(ip, port);
    if (listener == null) {
      listener = index.wildcard(port);
      if (listener == null) {
        return null;
      }
    }
    if (ip == null || !index.dependsOnIp(listener)) {
      return index.httpRoutesWithoutIp(listener);
    }
    FilterChain chain = listener.select(ip, port, OutboundListener.HTTP1);
    return chain == null || !chain.http() ? null : chain.routes();
  }

  /**
   * The filter chain of a TCP connection to {@code ip}:{@code port} whose protocol is unknown:
   * the exact listener's, else the wildcard listener's, else {@code virtualOutbound}'s; null when
   * none applies (the connection is left alone).
   */
  public FilterChain tcpChain(byte[] ip, int port) {
    OutboundListener listener = index.exact(ip, port);
    if (listener == null) {
      listener = index.wildcard(port);
    }
    if (listener == null) {
      listener = virtualOutbound;
    }
    return listener == null ? null : listener.select(ip, port, null);
  }

  /** Lookup structures over the listeners, built once per snapshot; keyed by identity. */
  private static final class Index {
    private final int[] wildcardPorts;
    private final OutboundListener[] wildcards;
    /** IPv4 {@code VIP_PORT} listeners by {@link #key}, sorted: a lookup allocates nothing. */
    private final long[] exactKeys;
    private final OutboundListener[] exactListeners;
    /** IPv6 ones, by address and port. */
    private final Map<String, OutboundListener> exactV6 = new HashMap<>();
    private final Map<OutboundListener, RouteTable> httpWithoutIp = new IdentityHashMap<>();
    private final Set<OutboundListener> ipDependent;

    Index(List<OutboundListener> listeners) {
      Map<Integer, OutboundListener> byPort = new HashMap<>();
      java.util.TreeMap<Long, OutboundListener> exactV4 = new java.util.TreeMap<>();
      Set<OutboundListener> dependent = Collections.newSetFromMap(new IdentityHashMap<>());
      for (OutboundListener l : listeners) {
        if (l.address() == null || isAnyAddress(l.address())) {
          byPort.putIfAbsent(l.port(), l);
        } else if (l.address().length == 4) {
          exactV4.putIfAbsent(key(l.address(), l.port()), l);
        } else {
          exactV6.putIfAbsent(v6Key(l.address(), l.port()), l);
        }
        for (FilterChain c : l.chains()) {
          if (!c.match().prefixRanges().isEmpty()) {
            dependent.add(l);
          }
        }
        FilterChain http = l.select(null, l.port(), OutboundListener.HTTP1);
        if (http != null && http.http() && http.routes() != null) {
          httpWithoutIp.put(l, http.routes());
        }
      }
      ipDependent = dependent;
      exactKeys = exactV4.keySet().stream().mapToLong(Long::longValue).toArray();
      exactListeners = exactV4.values().toArray(new OutboundListener[0]);
      wildcardPorts = byPort.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
      wildcards = new OutboundListener[wildcardPorts.length];
      for (int i = 0; i < wildcardPorts.length; i++) {
        wildcards[i] = byPort.get(wildcardPorts[i]);
      }
    }

    OutboundListener wildcard(int port) {
      int i = Arrays.binarySearch(wildcardPorts, port);
      return i < 0 ? null : wildcards[i];
    }

    OutboundListener exact(byte[] ip, int port) {
      if (ip.length == 4) {
        int i = exactKeys.length == 0 ? -1 : Arrays.binarySearch(exactKeys, key(ip, port));
        return i < 0 ? null : exactListeners[i];
      }
      return exactV6.isEmpty() ? null : exactV6.get(v6Key(ip, port));
    }

    boolean dependsOnIp(OutboundListener listener) {
      return ipDependent.contains(listener);
    }

    RouteTable httpRoutesWithoutIp(OutboundListener listener) {
      return httpWithoutIp.get(listener);
    }

    private static boolean isAnyAddress(byte[] address) {
      for (byte b : address) {
        if (b != 0) {
          return false;
        }
      }
      return true;
    }

    /** An IPv4 address and a port in one number. */
    private static long key(byte[] ip, int port) {
      long address = ((ip[0] & 0xffL) << 24) | ((ip[1] & 0xff) << 16) | ((ip[2] & 0xff) << 8)
          | (ip[3] & 0xff);
      return (address << 16) | (port & 0xffff);
    }

    private static String v6Key(byte[] ip, int port) {
      StringBuilder s = new StringBuilder(24);
      for (byte b : ip) {
        s.append(b & 0xff).append('.');
      }
      return s.append(port).toString();
    }
  }
}
