package io.inmesh.instrumentation.http.okhttp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;
import okhttp3.Dns;

/**
 * The {@code Dns} of a client copy made for one endpoint: the application's host name resolves to
 * the endpoint's IP, other names (a redirect elsewhere) as the application's own {@code Dns}
 * would. Equal to another exactly when both name the same endpoint for the same host, which is
 * what keys OkHttp's connection pool by endpoint. A refusing instance fails the call's lookup
 * with the mesh's reason (a local reply no reply server can give).
 *
 * <p>Defined in OkHttp's class loader (see {@code HelperClasses}): it may reference only OkHttp
 * and the JDK.
 */
public final class MeshDns implements Dns {

  private final String host;
  private final InetAddress address;
  private final int port;
  private final Dns fallback;
  private final String refusal;

  /**
   * @param host the application's host name
   * @param address the endpoint's IP
   * @param port the endpoint's port (part of the identity: two endpoints may share an IP)
   * @param fallback the application's {@code Dns}, for other names
   * @param refusal a message to fail every lookup with, or null
   */
  public MeshDns(String host, InetAddress address, int port, Dns fallback, String refusal) {
    this.host = host;
    this.address = address;
    this.port = port;
    this.fallback = fallback;
    this.refusal = refusal;
  }

  @Override
  public List<InetAddress> lookup(String hostname) throws UnknownHostException {
    if (refusal != null) {
      throw new UnknownHostException(refusal);
    }
    if (host.equalsIgnoreCase(hostname)) {
      return Collections.singletonList(address);
    }
    return fallback.lookup(hostname);
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof MeshDns)) {
      return false;
    }
    MeshDns that = (MeshDns) other;
    return port == that.port && host.equalsIgnoreCase(that.host)
        && (address == null ? that.address == null : address.equals(that.address))
        && fallback.equals(that.fallback)
        && (refusal == null ? that.refusal == null : refusal.equals(that.refusal));
  }

  @Override
  public int hashCode() {
    return 31 * (address == null ? 0 : address.hashCode()) + port;
  }

  @Override
  public String toString() {
    return refusal != null ? "MeshDns(" + refusal + ")"
        : "MeshDns(" + host + " -> " + address + ":" + port + ")";
  }
}
