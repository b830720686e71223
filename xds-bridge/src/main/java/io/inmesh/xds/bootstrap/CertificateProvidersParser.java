package io.inmesh.xds.bootstrap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.inmesh.policies.log.AgentLog;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bootstrap's {@code certificate_providers} (gRFC A29): instance name to
 * {@code {plugin_name, config}}. Only {@code file_watcher} is a plugin this agent runs; an instance
 * of another plugin is left out with a warning, so a cluster naming it is NACKed like one naming
 * an instance the bootstrap lacks. A malformed {@code file_watcher} config is a bootstrap error:
 * a wrong path would otherwise only surface as failed calls.
 */
final class CertificateProvidersParser {

  private static final AgentLog LOG = AgentLog.get(CertificateProvidersParser.class);

  private CertificateProvidersParser() {}

  static Map<String, FileWatcherCertificates> parse(JsonElement providers, String source)
      throws BootstrapException {
    Map<String, FileWatcherCertificates> out = new LinkedHashMap<>();
    if (providers == null || providers.isJsonNull()) {
      return out;
    }
    if (!providers.isJsonObject()) {
      throw new BootstrapException(source, "certificate_providers is not an object");
    }
    for (Map.Entry<String, JsonElement> entry : providers.getAsJsonObject().entrySet()) {
      String at = "certificate_providers." + entry.getKey();
      if (!entry.getValue().isJsonObject()) {
        throw new BootstrapException(source, at + " is not an object");
      }
      JsonObject instance = entry.getValue().getAsJsonObject();
      String plugin = string(instance, "plugin_name", at, source);
      if (!FileWatcherCertificates.PLUGIN.equals(plugin)) {
        LOG.warn("%s: %s uses plugin %s, which this agent does not run (supported: %s);"
            + " clusters naming it are rejected", source, at, plugin,
            FileWatcherCertificates.PLUGIN);
        continue;
      }
      JsonElement config = instance.get("config");
      if (config == null || !config.isJsonObject()) {
        throw new BootstrapException(source, at + ".config is missing or not an object");
      }
      out.put(entry.getKey(), fileWatcher(config.getAsJsonObject(), at + ".config", source));
    }
    return Map.copyOf(out);
  }

  /**
   * The {@code tls} channel credentials' config (gRFC A65): the {@code file_watcher} fields, all
   * optional.
   */
  static FileWatcherCertificates channelTls(JsonObject config, String source)
      throws BootstrapException {
    String at = "xds_servers[0].channel_creds tls config";
    String cert = string(config, "certificate_file", at, source);
    String key = string(config, "private_key_file", at, source);
    if ((cert == null) != (key == null)) {
      throw new BootstrapException(source, at + ": certificate_file and private_key_file go"
          + " together");
    }
    String interval = string(config, "refresh_interval", at, source);
    return new FileWatcherCertificates(cert, key, string(config, "ca_certificate_file", at,
        source), interval == null ? FileWatcherCertificates.DEFAULT_REFRESH
        : duration(interval, at + ".refresh_interval", source));
  }

  private static FileWatcherCertificates fileWatcher(JsonObject config, String at, String source)
      throws BootstrapException {
    String cert = string(config, "certificate_file", at, source);
    String key = string(config, "private_key_file", at, source);
    String ca = string(config, "ca_certificate_file", at, source);
    if ((cert == null) != (key == null)) {
      throw new BootstrapException(source, at + ": certificate_file and private_key_file go"
          + " together");
    }
    if (cert == null && ca == null) {
      throw new BootstrapException(source, at + " names no file");
    }
    String interval = string(config, "refresh_interval", at, source);
    Duration refresh = FileWatcherCertificates.DEFAULT_REFRESH;
    if (interval != null) {
      refresh = duration(interval, at + ".refresh_interval", source);
    }
    return new FileWatcherCertificates(cert, key, ca, refresh);
  }

  /** A protobuf JSON duration: seconds with an {@code s} suffix, e.g. {@code "900s"}, {@code "0.5s"}. */
  static Duration duration(String text, String at, String source) throws BootstrapException {
    if (!text.endsWith("s")) {
      throw new BootstrapException(source, at + " is not a duration (e.g. \"600s\"): " + text);
    }
    try {
      Duration d = Duration.parse("PT" + text.substring(0, text.length() - 1) + "S");
      if (d.isNegative() || d.isZero()) {
        throw new BootstrapException(source, at + " must be positive: " + text);
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new BootstrapException(source, at + " is not a duration (e.g. \"600s\"): " + text);
    }
  }

  private static String string(JsonObject parent, String name, String at, String source)
      throws BootstrapException {
    JsonElement e = parent.get(name);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new BootstrapException(source, at + "." + name + " is not a string");
    }
    return e.getAsString().isEmpty() ? null : e.getAsString();
  }
}
