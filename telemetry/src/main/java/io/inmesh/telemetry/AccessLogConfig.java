package io.inmesh.telemetry;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Access log settings. Off by default.
 *
 * @param target {@code stdout}, {@code stderr}, a file path (appended to), or an HTTP collector's
 *     URL ({@code http(s)://host:8088/services/collector/event}, Splunk HEC's event protocol);
 *     null = off
 * @param statusClasses the status classes logged ({@code 2} for 2xx, ...); empty = all. A call
 *     that failed without a response (status 0) counts as 5xx, as Envoy's local reply would be
 * @param sampleRate the fraction of the calls that pass the status filter which are logged, 0..1
 * @param queueCapacity the most lines waiting to be written; beyond it lines are dropped
 * @param token the HTTP collector's token ({@code Authorization: Splunk <token>}), or null;
 *     never logged
 */
public record AccessLogConfig(String target, Set<Integer> statusClasses, double sampleRate,
    int queueCapacity, String token) {

  public static final int DEFAULT_QUEUE_CAPACITY = 8192;
  public static final AccessLogConfig OFF = new AccessLogConfig(null, Set.of(), 1.0,
      DEFAULT_QUEUE_CAPACITY);

  /** Without a collector token. */
  public AccessLogConfig(String target, Set<Integer> statusClasses, double sampleRate,
      int queueCapacity) {
    this(target, statusClasses, sampleRate, queueCapacity, null);
  }

  public AccessLogConfig {
    statusClasses = Set.copyOf(statusClasses == null ? Set.of() : statusClasses);
    if (sampleRate < 0 || sampleRate > 1 || Double.isNaN(sampleRate)) {
      throw new IllegalArgumentException("access log sample rate must be in [0, 1]: " + sampleRate);
    }
    if (queueCapacity <= 0) {
      throw new IllegalArgumentException("access log queue capacity must be positive");
    }
    if (target != null && target.isBlank()) {
      target = null;
    }
    if (token != null && token.isBlank()) {
      token = null;
    }
  }

  public boolean enabled() {
    return target != null && sampleRate > 0;
  }

  /** Whether the target is an HTTP collector's URL rather than a stream or a file. */
  public boolean collector() {
    if (target == null) {
      return false;
    }
    String t = target.toLowerCase(Locale.ROOT);
    return t.startsWith("http://") || t.startsWith("https://");
  }

  /** Everything but the token. */
  @Override
  public String toString() {
    return "AccessLogConfig[target=" + target + ", statusClasses=" + statusClasses
        + ", sampleRate=" + sampleRate + ", queueCapacity=" + queueCapacity
        + ", token=" + (token == null ? "none" : "(set)") + "]";
  }

  /**
   * Parses a status class list such as {@code 4,5} (also {@code 4xx,5xx}); null or blank = all.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static Set<Integer> parseStatusClasses(String spec) {
    Set<Integer> out = new TreeSet<>();
    if (spec == null || spec.isBlank()) {
      return out;
    }
    for (String part : spec.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      if (p.endsWith("xx")) {
        p = p.substring(0, p.length() - 2);
      }
      if (p.length() != 1 || p.charAt(0) < '1' || p.charAt(0) > '5') {
        throw new IllegalArgumentException("status class must be 1 to 5 (or 1xx..5xx): " + part);
      }
      out.add(p.charAt(0) - '0');
    }
    return out;
  }

  /** Whether a call with this status is logged by the status filter. */
  boolean statusLogged(int status) {
    if (statusClasses.isEmpty()) {
      return true;
    }
    int cls = status <= 0 ? 5 : status / 100;
    return statusClasses.contains(cls);
  }
}
