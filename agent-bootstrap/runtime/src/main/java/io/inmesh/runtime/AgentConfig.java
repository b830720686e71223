package io.inmesh.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's settings, from one documented place (docs/CONFIGURATION.md): agent arguments
 * ({@code -javaagent:inmesh-agent.jar=bootstrap=/etc/mesh.json,log_level=debug}) or the same keys as
 * {@code INMESH_*} environment variables ({@code INMESH_BOOTSTRAP}, {@code INMESH_LOG_LEVEL}).
 * An agent argument wins over the environment. List values are separated by ',' too: an argument
 * ends where the next {@code key=} begins.
 */
public record AgentConfig(
    boolean enabled,
    String bootstrap,
    String logLevel,
    Duration resourceTimeout,
    int maxTargets,
    Exclusions exclusions,
    boolean telemetry,
    String admin,
    String metrics,
    String accessLog,
    String accessLogStatus,
    double accessLogSample,
    String accessLogToken,
    String tracing,
    String xdsMode) {

  /** Every key the agent reads, in the order they are logged. */
  static final List<String> KEYS = List.of("enabled", "bootstrap", "log_level",
      "resource_timeout_ms", "max_targets", "exclude_hosts", "exclude_cidrs", "exclude_ports",
      "telemetry", "admin", "metrics", "access_log", "access_log_status", "access_log_sample",
      "access_log_token", "tracing", "xds_mode");

  public static AgentConfig from(String agentArgs, Map<String, String> env) {
    Map<String, String> args = parseArgs(agentArgs);
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : KEYS) {
      String v = args.get(key);
      if (v == null) {
        v = env.get("INMESH_" + key.toUpperCase(Locale.ROOT));
      }
      if (v != null && !v.isBlank()) {
        values.put(key, v.trim());
      }
    }
    for (String key : args.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown agent argument '" + key + "' (known: "
            + String.join(", ", KEYS) + ")");
      }
    }
    return new AgentConfig(
        !"false".equalsIgnoreCase(values.getOrDefault("enabled", "true")),
        values.get("bootstrap"),
        values.getOrDefault("log_level", "info"),
        Duration.ofMillis(positive(values, "resource_timeout_ms", 1000)),
        (int) positive(values, "max_targets", 1000),
        Exclusions.parse(values.get("exclude_hosts"), values.get("exclude_cidrs"),
            values.get("exclude_ports")),
        !"false".equalsIgnoreCase(values.getOrDefault("telemetry", "true")),
        values.getOrDefault("admin", "127.0.0.1:15000"),
        values.getOrDefault("metrics", "0.0.0.0:15090"),
        values.getOrDefault("access_log", "off"),
        values.getOrDefault("access_log_status", ""),
        fraction(values, "access_log_sample"),
        values.get("access_log_token"),
        values.getOrDefault("tracing", "auto"),
        xdsMode(values.get("xds_mode")));
  }

  /** {@code proxyless}, {@code sidecar}, or null (unset: the bootstrap's node metadata decides). */
  private static String xdsMode(String v) {
    if (v == null) {
      return null;
    }
    String mode = v.toLowerCase(Locale.ROOT);
    if (!mode.equals("proxyless") && !mode.equals("sidecar")) {
      throw new IllegalArgumentException("xds_mode must be proxyless or sidecar, got '" + v + "'");
    }
    return mode;
  }

  private static double fraction(Map<String, String> values, String key) {
    String v = values.get(key);
    if (v == null) {
      return 1.0;
    }
    try {
      double d = Double.parseDouble(v);
      if (d < 0 || d > 1) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number from 0 to 1, got '" + v + "'");
    }
  }

  /** {@code key=value} pairs separated by ','; a ',' not followed by {@code key=} is part of a value. */
  static Map<String, String> parseArgs(String agentArgs) {
    if (agentArgs == null || agentArgs.isBlank()) {
      return Collections.emptyMap();
    }
    Map<String, String> out = new LinkedHashMap<>();
    List<String> parts = new ArrayList<>();
    for (String piece : agentArgs.split(",")) {
      if (piece.contains("=") || parts.isEmpty()) {
        parts.add(piece);
      } else {
        parts.set(parts.size() - 1, parts.get(parts.size() - 1) + "," + piece);
      }
    }
    for (String part : parts) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("agent argument '" + part + "' is not key=value");
      }
      out.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
    }
    return out;
  }

  private static long positive(Map<String, String> values, String key, long dflt) {
    String v = values.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a positive integer, got '" + v + "'");
    }
  }

  /** {@link #describe()}: the access log token is a secret and never printed. */
  @Override
  public String toString() {
    return describe();
  }

  /** The one line logged at start (never the access log token). */
  public String describe() {
    return "enabled=" + enabled
        + " bootstrap=" + (bootstrap == null ? "(from GRPC_XDS_BOOTSTRAP*)" : bootstrap)
        + " log_level=" + logLevel
        + " resource_timeout_ms=" + resourceTimeout.toMillis()
        + " max_targets=" + maxTargets
        + " xds_mode=" + (xdsMode == null ? "(from the bootstrap)" : xdsMode)
        + " " + exclusions.describe()
        + " telemetry=" + telemetry
        + (telemetry ? " admin=" + admin + " metrics=" + metrics + " access_log=" + accessLog
            + " tracing=" + tracing : "");
  }
}
