package io.inmesh.runtime;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.listener.Cidr;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * The {@code IP:port} of every endpoint of a snapshot's clusters. A connection to one is a
 * destination the mesh chose itself (an HTTP call, retry or mirror routed to a pod IP, a library
 * that resolved its endpoint) or that the application aimed at a known endpoint: like an Envoy's
 * upstream connection, it is never routed again, so a pod port without a listener of its own
 * cannot fall into {@code virtualOutbound}'s black hole. IPv4 lookups allocate nothing; endpoints
 * given by host name (DNS clusters) are not in the set.
 */
final class EndpointAddresses {

  private final long[] ipv4;
  private final Set<String> ipv6;

  private EndpointAddresses(long[] ipv4, Set<String> ipv6) {
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
  }

  static EndpointAddresses of(MeshSnapshot snapshot) {
    long[] v4 = new long[16];
    int n = 0;
    Set<String> v6 = new HashSet<>();
    for (ClusterState cluster : snapshot.clusters().values()) {
      for (Endpoint e : cluster.endpoints()) {
        byte[] ip = Cidr.literal(e.host());
        if (ip == null) {
          continue;
        } else if (ip.length == 4) {
          if (n == v4.length) {
            v4 = Arrays.copyOf(v4, n * 2);
          }
          v4[n++] = key(ip, e.port());
        } else {
          v6.add(key6(ip, e.port()));
        }
      }
    }
    long[] sorted = Arrays.copyOf(v4, n);
    Arrays.sort(sorted);
    return new EndpointAddresses(sorted, v6);
  }

  boolean contains(byte[] ip, int port) {
    if (ip.length == 4) {
      return Arrays.binarySearch(ipv4, key(ip, port)) >= 0;
    }
    return !ipv6.isEmpty() && ipv6.contains(key6(ip, port));
  }

  private static long key(byte[] ip, int port) {
    long address = ((ip[0] & 0xffL) << 24) | ((ip[1] & 0xff) << 16) | ((ip[2] & 0xff) << 8)
        | (ip[3] & 0xff);
    return (address << 16) | port;
  }

  private static String key6(byte[] ip, int port) {
    return HexFormat.of().formatHex(ip) + "." + port;
  }
}
