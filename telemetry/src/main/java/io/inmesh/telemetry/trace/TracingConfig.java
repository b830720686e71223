package io.inmesh.telemetry.trace;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Client span settings from the standard OpenTelemetry variables (the SDK environment variable
 * specification), read as the SDK's autoconfigure reads them: a system property
 * ({@code otel.exporter.otlp.endpoint}) wins over its environment variable
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}); a signal-specific key ({@code ..._TRACES_...}) over the
 * generic one.
 *
 * @param enabled whether the agent records client spans at all
 * @param protocol {@code grpc} or {@code http/protobuf}
 * @param endpoint the OTLP endpoint: {@code http(s)://host:port} for gRPC, the full URL for HTTP
 * @param headers extra export request headers ({@code OTEL_EXPORTER_OTLP_HEADERS})
 * @param timeout one export's timeout
 * @param compression {@code gzip} or {@code none}
 * @param certificate a PEM file of trusted certificates for an https endpoint, or null
 * @param serviceName {@code service.name}, or null to take the workload's
 * @param resourceAttributes {@code OTEL_RESOURCE_ATTRIBUTES}
 * @param sampler {@code OTEL_TRACES_SAMPLER} ({@code parentbased_always_on} by default)
 * @param samplerArg {@code OTEL_TRACES_SAMPLER_ARG}: the ratio for the ratio samplers
 * @param propagators the header formats injected: {@code tracecontext}, {@code b3},
 *     {@code b3multi}
 * @param scheduleDelay how often the batch processor exports
 * @param maxQueueSize spans waiting for export; past it new spans are dropped
 * @param maxExportBatchSize spans in one export request
 */
public record TracingConfig(
    boolean enabled,
    String protocol,
    String endpoint,
    Map<String, String> headers,
    Duration timeout,
    String compression,
    String certificate,
    String serviceName,
    Map<String, String> resourceAttributes,
    String sampler,
    double samplerArg,
    List<String> propagators,
    Duration scheduleDelay,
    int maxQueueSize,
    int maxExportBatchSize) {

  public static final String GRPC = "grpc";
  public static final String HTTP_PROTOBUF = "http/protobuf";

  /** Tracing off: what {@link #from} returns when nothing asks for spans. */
  public static final TracingConfig OFF = new TracingConfig(false, HTTP_PROTOBUF, null, Map.of(),
      Duration.ofSeconds(10), "none", null, null, Map.of(), "parentbased_always_on", 1.0,
      List.of("tracecontext"), Duration.ofSeconds(5), 2048, 512);

  public TracingConfig {
    headers = Map.copyOf(headers);
    resourceAttributes = Map.copyOf(resourceAttributes);
    propagators = List.copyOf(propagators);
  }

  /**
   * @param mode the agent's {@code tracing} setting: {@code auto} (on when an OTLP endpoint or
   *     {@code OTEL_TRACES_EXPORTER=otlp} is set), {@code on} or {@code off}
   * @param env the environment ({@code System.getenv()})
   * @param properties the system properties
   * @throws IllegalArgumentException for a value that cannot be used, naming the variable
   */
  public static TracingConfig from(String mode, Map<String, String> env, Properties properties) {
    Settings s = new Settings(env, properties);
    String m = mode == null || mode.isBlank() ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
    if (!m.equals("auto") && !m.equals("on") && !m.equals("off")) {
      throw new IllegalArgumentException("tracing must be auto, on or off, got '" + mode + "'");
    }
    String exporter = s.get("OTEL_TRACES_EXPORTER");
    boolean asked = m.equals("on") || s.get("OTEL_EXPORTER_OTLP_ENDPOINT") != null
        || s.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != null
        || (exporter != null && exporter.toLowerCase(Locale.ROOT).contains("otlp"));
    boolean refused = m.equals("off") || "true".equalsIgnoreCase(s.get("OTEL_SDK_DISABLED"))
        || (exporter != null && !m.equals("on") && exporter.trim().equalsIgnoreCase("none"));
    if (!asked || refused) {
      return OFF;
    }
    if (exporter != null && !exporter.toLowerCase(Locale.ROOT).contains("otlp")
        && !exporter.trim().equalsIgnoreCase("none")) {
      throw new IllegalArgumentException("OTEL_TRACES_EXPORTER=" + exporter
          + ": the agent exports spans with otlp only");
    }
    String protocol = s.signal("PROTOCOL", HTTP_PROTOBUF).trim().toLowerCase(Locale.ROOT);
    if (!protocol.equals(GRPC) && !protocol.equals(HTTP_PROTOBUF)) {
      throw new IllegalArgumentException("OTEL_EXPORTER_OTLP_PROTOCOL=" + protocol
          + ": grpc or http/protobuf (http/json is not supported)");
    }
    String compression = s.signal("COMPRESSION", "none").trim().toLowerCase(Locale.ROOT);
    if (!compression.equals("gzip") && !compression.equals("none")) {
      throw new IllegalArgumentException("OTEL_EXPORTER_OTLP_COMPRESSION=" + compression
          + ": gzip or none");
    }
    Map<String, String> headers = new LinkedHashMap<>(pairs(s.get("OTEL_EXPORTER_OTLP_HEADERS"),
        "OTEL_EXPORTER_OTLP_HEADERS"));
    headers.putAll(pairs(s.get("OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS"));
    String sampler = s.get("OTEL_TRACES_SAMPLER", "parentbased_always_on").trim()
        .toLowerCase(Locale.ROOT);
    if (!List.of("always_on", "always_off", "traceidratio", "parentbased_always_on",
        "parentbased_always_off", "parentbased_traceidratio").contains(sampler)) {
      throw new IllegalArgumentException("OTEL_TRACES_SAMPLER=" + sampler + " is not supported");
    }
    double ratio = number(s.get("OTEL_TRACES_SAMPLER_ARG", "1.0"), "OTEL_TRACES_SAMPLER_ARG");
    if (ratio < 0 || ratio > 1) {
      throw new IllegalArgumentException("OTEL_TRACES_SAMPLER_ARG must be from 0 to 1");
    }
    List<String> propagators = s.list("OTEL_PROPAGATORS", "tracecontext,baggage").stream()
        .filter(p -> p.equals("tracecontext") || p.equals("b3") || p.equals("b3multi"))
        .toList();
    return new TracingConfig(true, protocol, endpoint(s, protocol), headers,
        Duration.ofMillis(millis(s.signal("TIMEOUT", "10000"), "OTEL_EXPORTER_OTLP_TIMEOUT")),
        compression, s.signal("CERTIFICATE", null), s.get("OTEL_SERVICE_NAME"),
        pairs(s.get("OTEL_RESOURCE_ATTRIBUTES"), "OTEL_RESOURCE_ATTRIBUTES"), sampler, ratio,
        propagators,
        Duration.ofMillis(millis(s.get("OTEL_BSP_SCHEDULE_DELAY", "5000"),
            "OTEL_BSP_SCHEDULE_DELAY")),
        (int) millis(s.get("OTEL_BSP_MAX_QUEUE_SIZE", "2048"), "OTEL_BSP_MAX_QUEUE_SIZE"),
        (int) millis(s.get("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "512"),
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"));
  }

  /**
   * The signal endpoint as the specification builds it: {@code ..._TRACES_ENDPOINT} as given;
   * the generic endpoint plus {@code v1/traces} for HTTP, as given for gRPC; else the defaults
   * {@code http://localhost:4318/v1/traces} and {@code http://localhost:4317}.
   */
  private static String endpoint(Settings s, String protocol) {
    String traces = s.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    if (traces != null) {
      return traces.trim();
    }
    String base = s.get("OTEL_EXPORTER_OTLP_ENDPOINT");
    if (protocol.equals(GRPC)) {
      return base != null ? base.trim() : "http://localhost:4317";
    }
    if (base == null) {
      return "http://localhost:4318/v1/traces";
    }
    String b = base.trim();
    return b + (b.endsWith("/") ? "" : "/") + "v1/traces";
  }

  /** {@code k=v,k2=v2} with percent-encoded values (the W3C baggage shape the spec uses). */
  static Map<String, String> pairs(String list, String name) {
    Map<String, String> out = new LinkedHashMap<>();
    if (list == null || list.isBlank()) {
      return out;
    }
    for (String item : list.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(name + ": '" + item.trim() + "' is not key=value");
      }
      out.put(item.substring(0, eq).trim(),
          URLDecoder.decode(item.substring(eq + 1).trim(), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static long millis(String value, String name) {
    try {
      long n = Long.parseLong(value.trim());
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a positive integer, got '" + value
          + "'");
    }
  }

  private static double number(String value, String name) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
    }
  }

  /** One line for the agent's start log. */
  public String describe() {
    return enabled ? protocol + " " + endpoint + " sampler=" + sampler
        + (sampler.endsWith("ratio") ? "(" + samplerArg + ")" : "") + " propagators="
        + String.join(",", propagators) : "off";
  }

  /** Variables and their system property twins. */
  private record Settings(Map<String, String> env, Properties properties) {

    String get(String variable) {
      String property = properties == null ? null : properties.getProperty(
          variable.toLowerCase(Locale.ROOT).replace('_', '.'));
      String v = property != null ? property : env == null ? null : env.get(variable);
      return v == null || v.isBlank() ? null : v;
    }

    String get(String variable, String dflt) {
      String v = get(variable);
      return v == null ? dflt : v;
    }

    /** {@code OTEL_EXPORTER_OTLP_TRACES_<key>}, else {@code OTEL_EXPORTER_OTLP_<key>}. */
    String signal(String key, String dflt) {
      String v = get("OTEL_EXPORTER_OTLP_TRACES_" + key);
      return v != null ? v : get("OTEL_EXPORTER_OTLP_" + key, dflt);
    }

    List<String> list(String variable, String dflt) {
      return java.util.Arrays.stream(get(variable, dflt).split(","))
          .map(p -> p.trim().toLowerCase(Locale.ROOT)).filter(p -> !p.isEmpty()).toList();
    }
  }
}
