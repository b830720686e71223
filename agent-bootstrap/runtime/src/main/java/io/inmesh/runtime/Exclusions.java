package io.inmesh.runtime;

import io.inmesh.policies.listener.Cidr;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Destinations the mesh never touches: host names (exact, or {@code *.suffix}), CIDRs (matched
 * only against IP literals, so the hot path never resolves DNS) and ports.
 */
public final class Exclusions {

  private final Set<String> hosts;
  private final List<String> hostSuffixes;
  private final List<Cidr> cidrs;
  private final Set<Integer> ports;

  private Exclusions(Set<String> hosts, List<String> hostSuffixes, List<Cidr> cidrs,
      Set<Integer> ports) {
    this.hosts = hosts;
    this.hostSuffixes = hostSuffixes;
    this.cidrs = cidrs;
    this.ports = ports;
  }

  static Exclusions parse(String hostList, String cidrList, String portList) {
    Set<String> hosts = new HashSet<>();
    List<String> suffixes = new ArrayList<>();
    for (String h : split(hostList)) {
      String host = h.toLowerCase(Locale.ROOT);
      if (host.startsWith("*.")) {
        suffixes.add(host.substring(1));
      } else {
        hosts.add(host);
      }
    }
    List<Cidr> cidrs = new ArrayList<>();
    for (String c : split(cidrList)) {
      try {
        cidrs.add(Cidr.parse(c));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("exclude_cidrs: " + e.getMessage());
      }
    }
    Set<Integer> ports = new HashSet<>();
    for (String p : split(portList)) {
      try {
        ports.add(Integer.parseInt(p));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("exclude_ports: '" + p + "' is not a port");
      }
    }
    return new Exclusions(hosts, suffixes, cidrs, ports);
  }

  private static List<String> split(String list) {
    List<String> out = new ArrayList<>();
    if (list != null) {
      for (String s : list.split("[,;\\s]+")) {
        if (!s.isEmpty()) {
          out.add(s);
        }
      }
    }
    return out;
  }

  public boolean excludes(String host, int port) {
    if (ports.contains(port)) {
      return true;
    }
    if (hosts.isEmpty() && hostSuffixes.isEmpty() && cidrs.isEmpty()) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (hosts.contains(h)) {
      return true;
    }
    for (String suffix : hostSuffixes) {
      if (h.endsWith(suffix)) {
        return true;
      }
    }
    return !cidrs.isEmpty() && inCidrs(Cidr.literal(h));
  }

  /**
   * For a connection: whether the port, the host name the application gave (if any) or the
   * address it connects to is excluded.
   *
   * @param hostName the destination's host name, or null when it was given as an address
   * @param ip the address's bytes, or null when it is not resolved
   */
  public boolean excludes(String hostName, byte[] ip, int port) {
    if (hostName != null && excludes(hostName, port)) {
      return true;
    }
    return ports.contains(port) || !cidrs.isEmpty() && inCidrs(ip);
  }

  private boolean inCidrs(byte[] ip) {
    if (ip != null) {
      for (Cidr c : cidrs) {
        if (c.contains(ip)) {
          return true;
        }
      }
    }
    return false;
  }

  String describe() {
    return "exclude_hosts=" + hosts + " suffixes=" + hostSuffixes + " exclude_cidrs=" + cidrs
        + " exclude_ports=" + ports;
  }
}
