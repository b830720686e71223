package io.inmesh.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
      cidrs.add(Cidr.parse(c));
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
    if (!cidrs.isEmpty()) {
      byte[] ip = Cidr.literal(h);
      if (ip != null) {
        for (Cidr c : cidrs) {
          if (c.contains(ip)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  String describe() {
    return "exclude_hosts=" + hosts + " suffixes=" + hostSuffixes + " exclude_cidrs=" + cidrs
        + " exclude_ports=" + ports;
  }

  /** An IPv4 or IPv6 network. */
  record Cidr(byte[] network, int prefix, String text) {

    static Cidr parse(String text) {
      int slash = text.indexOf('/');
      String addr = slash < 0 ? text : text.substring(0, slash);
      byte[] bytes = literal(addr);
      if (bytes == null) {
        throw new IllegalArgumentException("exclude_cidrs: '" + text + "' is not an IP or CIDR");
      }
      int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
      if (prefix < 0 || prefix > bytes.length * 8) {
        throw new IllegalArgumentException("exclude_cidrs: bad prefix length in '" + text + "'");
      }
      return new Cidr(bytes, prefix, text);
    }

    /** The address bytes of an IP literal, or null for a host name (never resolves DNS). */
    static byte[] literal(String host) {
      String h = host.startsWith("[") && host.endsWith("]")
          ? host.substring(1, host.length() - 1) : host;
      boolean ipv4 = !h.isEmpty() && h.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
      boolean ipv6 = h.indexOf(':') >= 0;
      if (!ipv4 && !ipv6) {
        return null;
      }
      try {
        return InetAddress.getByName(h).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }

    boolean contains(byte[] ip) {
      if (ip.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (ip[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest);
      return (ip[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
