package io.inmesh.telemetry;

/**
 * How the xDS stream stands, for {@code /config_dump}: when a resource was last accepted, and the
 * last NACK with its reason (the configuration that did not take, while the last good one serves).
 *
 * @param lastUpdateMillis when the last resource was accepted (epoch ms), or 0
 * @param lastNack the last NACK's {@code error_detail}, or null
 * @param lastNackMillis when it was sent (epoch ms), or 0
 */
public record XdsStatus(long lastUpdateMillis, String lastNack, long lastNackMillis) {

  public static final XdsStatus NONE = new XdsStatus(0, null, 0);
}
