package io.inmesh.policies.listener;

import java.util.List;
import java.util.Map;

/**
 * Istio's name table ({@code istio.networking.nds.v1.NameTable}, sent to a proxy whose node
 * metadata asks for DNS capture): host names, with their short and namespace forms, to the
 * service's addresses (its VIPs, or a headless service's pod IPs). Lets a destination given by
 * name resolve to its listener without asking DNS.
 *
 * @param addresses each name ({@code reviews.default.svc.cluster.local}, and its
 *     {@code alt_hosts} such as {@code reviews.default}) to its addresses' bytes, in the table's
 *     order
 */
public record NameTable(Map<String, List<byte[]>> addresses) {

  public static final NameTable EMPTY = new NameTable(Map.of());

  public NameTable {
    addresses = Map.copyOf(addresses);
  }

  /** The first address of {@code host}, or null when the table does not know it. */
  public byte[] firstAddress(String host) {
    List<byte[]> ips = addresses.get(host);
    return ips == null || ips.isEmpty() ? null : ips.get(0);
  }

  public int size() {
    return addresses.size();
  }
}
