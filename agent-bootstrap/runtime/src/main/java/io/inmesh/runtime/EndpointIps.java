package io.inmesh.runtime;

import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.listener.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoint addresses as the JDK dials them. IP addresses (what istiod sends: pod IPs) are parsed
 * once per endpoint rather than per call; a host name (a DNS cluster) is resolved through the
 * JDK's DNS cache every time.
 */
final class EndpointIps {

  private static final int MAX_CACHED = 100_000;

  private final Map<String, InetAddress> parsed = new ConcurrentHashMap<>();

  /** The endpoint's address, or null when its host name does not resolve. */
  InetAddress of(Endpoint endpoint) {
    InetAddress ip = parsed.get(endpoint.host());
    if (ip == null) {
      byte[] literal = Cidr.literal(endpoint.host());
      if (literal == null) {
        try {
          return InetAddress.getByName(endpoint.host());
        } catch (UnknownHostException e) {
          return null;
        }
      }
      try {
        ip = InetAddress.getByAddress(literal);
      } catch (UnknownHostException e) {
        return null;
      }
      if (parsed.size() > MAX_CACHED) {
        parsed.clear();
      }
      parsed.put(endpoint.host(), ip);
    }
    return ip;
  }
}
