package io.inmesh.telemetry;

import java.net.InetSocketAddress;

/**
 * Where telemetry listens and logs.
 *
 * @param adminAddress the admin server's address ({@code 127.0.0.1:15000}); null = no admin server
 * @param metricsAddress the Prometheus listener's address ({@code 0.0.0.0:15090}); null = none
 * @param accessLog the access log settings ({@link AccessLogConfig#OFF} by default)
 * @param maxSeries the cap on label sets per metric family
 */
public record TelemetryConfig(InetSocketAddress adminAddress, InetSocketAddress metricsAddress,
    AccessLogConfig accessLog, int maxSeries) {

  public static final String DEFAULT_ADMIN = "127.0.0.1:15000";
  public static final String DEFAULT_METRICS = "0.0.0.0:15090";

  public TelemetryConfig {
    accessLog = accessLog != null ? accessLog : AccessLogConfig.OFF;
    if (maxSeries <= 0) {
      maxSeries = IstioMetrics.DEFAULT_MAX_SERIES;
    }
  }

  /** Admin on {@code 127.0.0.1:15000}, metrics on {@code 0.0.0.0:15090}, no access log. */
  public static TelemetryConfig defaults() {
    return new TelemetryConfig(address(DEFAULT_ADMIN), address(DEFAULT_METRICS),
        AccessLogConfig.OFF, IstioMetrics.DEFAULT_MAX_SERIES);
  }

  /**
   * Parses {@code host:port}, {@code [v6]:port} or {@code :port} (all interfaces); null, blank or
   * {@code off} give null (not served). The address is not resolved beyond a literal IP or name.
   *
   * @throws IllegalArgumentException for a malformed value
   */
  public static InetSocketAddress address(String spec) {
    if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("off")) {
      return null;
    }
    String s = spec.trim();
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("address must be host:port: " + spec);
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in " + spec);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range in " + spec);
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }
}
