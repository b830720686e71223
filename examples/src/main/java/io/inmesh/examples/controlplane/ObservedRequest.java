package io.inmesh.examples.controlplane;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.List;

/**
 * One DiscoveryRequest as the control plane received it, with the stream it came on. Tests read
 * these to see what the agent subscribed to, what it ACKed and what it NACKed.
 */
public record ObservedRequest(long streamId, DiscoveryRequest request) {

  public String typeUrl() {
    return request.getTypeUrl();
  }

  public List<String> resourceNames() {
    return request.getResourceNamesList();
  }

  public String versionInfo() {
    return request.getVersionInfo();
  }

  public String nonce() {
    return request.getResponseNonce();
  }

  /** A request carrying error_detail rejects the response named by {@link #nonce()}. */
  public boolean isNack() {
    return request.hasErrorDetail();
  }

  /** The client's reason for a NACK, or null for a subscription or an ACK. */
  public String errorMessage() {
    return request.hasErrorDetail() ? request.getErrorDetail().getMessage() : null;
  }

  @Override
  public String toString() {
    return "stream " + streamId + " " + shortType(typeUrl()) + " " + resourceNames()
        + " version=" + versionInfo() + " nonce=" + nonce()
        + (isNack() ? " NACK: " + errorMessage() : "");
  }

  static String shortType(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
  }
}
