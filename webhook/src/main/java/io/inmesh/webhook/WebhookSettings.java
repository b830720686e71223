package io.inmesh.webhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The webhook's settings, all from environment variables, as the chart's Deployment sets them.
 * The agent's own settings (log level, admin port, telemetry) are per pod, from annotations.
 */
public record WebhookSettings(int port, Path tlsCert, Path tlsKey, Duration tlsReloadInterval,
    InjectionConfig injection) {

  public static WebhookSettings fromEnvironment(Map<String, String> env) {
    int port = intValue(env, "INMESH_WEBHOOK_PORT", 9443);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("INMESH_WEBHOOK_PORT " + port + " is not a TCP port");
    }
    Path cert = existingFile(env, "INMESH_WEBHOOK_TLS_CERT");
    Path key = existingFile(env, "INMESH_WEBHOOK_TLS_KEY");
    int reloadSeconds = intValue(env, "INMESH_WEBHOOK_TLS_RELOAD_SECONDS", 10);
    if (reloadSeconds < 1) {
      throw new IllegalArgumentException("INMESH_WEBHOOK_TLS_RELOAD_SECONDS must be at least 1");
    }
    InjectionConfig injection = new InjectionConfig(
        env.getOrDefault("INMESH_AGENT_IMAGE", InjectionConfig.DEFAULT_AGENT_IMAGE),
        env.getOrDefault("INMESH_XDS_ADDRESS", InjectionConfig.DEFAULT_XDS_ADDRESS),
        env.getOrDefault("INMESH_CLUSTER_ID", InjectionConfig.DEFAULT_CLUSTER_ID));
    return new WebhookSettings(port, cert, key, Duration.ofSeconds(reloadSeconds), injection);
  }

  private static Path existingFile(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set: the webhook serves TLS only and needs"
          + " a PEM certificate and key (as cert-manager writes them: tls.crt, tls.key)");
    }
    Path path = Path.of(value);
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(name + "=" + value + " is not a readable file");
    }
    return path;
  }

  private static int intValue(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "='" + value + "' is not a number");
    }
  }
}
