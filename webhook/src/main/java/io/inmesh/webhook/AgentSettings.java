package io.inmesh.webhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Agent settings a pod sets by annotation, passed as {@code INMESH_*} environment variables:
 * the agent ignores environment keys it does not know yet (agent arguments it would reject),
 * so this works with agents older than the setting.
 *
 * @param environment variable name to value, for every injected container
 * @param adminPort the admin port of the first injected container; the next ones count up from it
 *     (a pod shares one network namespace)
 * @param telemetry whether the agent serves metrics (no Prometheus annotations when off)
 * @param problems annotations that were ignored, and why (returned as admission warnings)
 */
record AgentSettings(Map<String, String> environment, int adminPort, boolean telemetry,
    List<String> problems) {

  static final int DEFAULT_ADMIN_PORT = 15000;
  static final int METRICS_PORT = 15090;
  static final String METRICS_PATH = "/stats/prometheus";
  private static final List<String> LOG_LEVELS = List.of("debug", "info", "warn", "error");

  static AgentSettings from(Pod pod) {
    Map<String, String> env = new LinkedHashMap<>();
    List<String> problems = new java.util.ArrayList<>();
    String level = pod.annotation(Annotations.LOG_LEVEL);
    if (level != null) {
      if (LOG_LEVELS.contains(level.trim().toLowerCase(Locale.ROOT))) {
        env.put("INMESH_LOG_LEVEL", level.trim().toLowerCase(Locale.ROOT));
      } else {
        problems.add(Annotations.LOG_LEVEL + "='" + level + "' ignored: use one of " + LOG_LEVELS);
      }
    }
    int adminPort = DEFAULT_ADMIN_PORT;
    String port = pod.annotation(Annotations.ADMIN_PORT);
    if (port != null) {
      try {
        adminPort = Integer.parseInt(port.trim());
        if (adminPort < 1 || adminPort > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        adminPort = DEFAULT_ADMIN_PORT;
        port = null;
        problems.add(Annotations.ADMIN_PORT + "='" + pod.annotation(Annotations.ADMIN_PORT)
            + "' ignored: not a TCP port");
      }
    }
    boolean telemetry = true;
    String telemetryValue = pod.annotation(Annotations.TELEMETRY);
    if (telemetryValue != null) {
      String v = telemetryValue.trim().toLowerCase(Locale.ROOT);
      if (v.equals("true") || v.equals("false")) {
        telemetry = v.equals("true");
        env.put("INMESH_TELEMETRY", v);
      } else {
        problems.add(Annotations.TELEMETRY + "='" + telemetryValue + "' ignored: use true or false");
      }
    }
    if (port != null) {
      env.put("INMESH_ADMIN", admin(adminPort));
    }
    return new AgentSettings(java.util.Collections.unmodifiableMap(env), adminPort, telemetry, List.copyOf(problems));
  }

  /** The settings for the n-th injected container (0-based): its own admin port beyond the first. */
  Map<String, String> forContainer(int n) {
    if (n == 0) {
      return environment;
    }
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put("INMESH_ADMIN", admin(adminPort + n));
    return env;
  }

  private static String admin(int port) {
    return "127.0.0.1:" + port;
  }
}
