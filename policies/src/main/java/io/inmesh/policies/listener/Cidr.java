package io.inmesh.policies.listener;

import java.util.Arrays;

/**
 * {@code config.core.v3.CidrRange}: an address prefix and its length, matched against a raw IPv4
 * (4 bytes) or IPv6 (16 bytes) address without allocation.
 */
public final class Cidr {

  private final byte[] prefix;
  private final int length;

  /**
   * @param address the prefix's address bytes (4 or 16)
   * @param length {@code prefix_len}, clamped to the address's bits as Envoy does
   */
  public Cidr(byte[] address, int length) {
    if (address.length != 4 && address.length != 16) {
      throw new IllegalArgumentException("a CIDR address has 4 or 16 bytes, not "
          + address.length);
    }
    if (length < 0) {
      throw new IllegalArgumentException("negative prefix_len " + length);
    }
    this.prefix = address.clone();
    this.length = Math.min(length, address.length * 8);
  }

  /**
   * Parses {@code 10.0.0.0/8}, {@code ::1/128} or a bare address (a host's full length).
   *
   * @throws IllegalArgumentException when it is neither
   */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
    }
    int length;
    try {
      length = slash < 0 ? address.length * 8 : Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length in '" + text + "'");
    }
    if (length > address.length * 8) {
      throw new IllegalArgumentException("bad prefix length in '" + text + "'");
    }
    return new Cidr(address, length);
  }

  /**
   * The address bytes of an IPv4 or IPv6 literal ({@code [::1]} too), or null for a host name.
   * Never resolves DNS; a host name costs a scan of its characters and no allocation.
   */
  public static byte[] literal(String host) {
    if (host == null || host.isEmpty()) {
      return null;
    }
    boolean ipv6 = host.indexOf(':') >= 0;
    if (!ipv6) {
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        if (c != '.' && (c < '0' || c > '9')) {
          return null;
        }
      }
    }
    String h = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    try {
      // a literal: InetAddress parses it without a lookup
      return java.net.InetAddress.getByName(h).getAddress();
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }

  /** The number of leading bits that must match. */
  public int length() {
    return length;
  }

  /** Whether {@code ip} (4 or 16 bytes) is inside this range; families never mix. */
  public boolean contains(byte[] ip) {
    if (ip == null || ip.length != prefix.length) {
      return false;
    }
    int full = length >>> 3;
    for (int i = 0; i < full; i++) {
      if (ip[i] != prefix[i]) {
        return false;
      }
    }
    int rest = length & 7;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (ip[full] & mask) == (prefix[full] & mask);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.length == length && Arrays.equals(c.prefix, prefix);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(prefix) * 31 + length;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    if (prefix.length == 4) {
      for (int i = 0; i < 4; i++) {
        s.append(i == 0 ? "" : ".").append(prefix[i] & 0xff);
      }
    } else {
      for (int i = 0; i < 16; i += 2) {
        s.append(i == 0 ? "" : ":").append(Integer.toHexString(
            ((prefix[i] & 0xff) << 8) | (prefix[i + 1] & 0xff)));
      }
    }
    return s.append('/').append(length).toString();
  }
}
