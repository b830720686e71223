package io.inmesh.telemetry;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Access log settings. Off by default.
 *
 * @param target {@code stdout}, {@code stderr}, or a file path (appended to); null = off
 * @param statusClasses the status classes logged ({@code 2} for 2xx, ...); empty = all. A call
 *     that failed without a response (status 0) counts as 5xx, as Envoy's local reply would be
 * @param sampleRate the fraction of the calls that pass the status filter which are logged, 0..1
 * @param queueCapacity the most lines waiting to be written; beyond it lines are dropped
 */
public record AccessLogConfig(String target, Set<Integer> statusClasses, double sampleRate,
    int queueCapacity) {

  public static final int DEFAULT_QUEUE_CAPACITY = 8192;
  public static final AccessLogConfig OFF = new AccessLogConfig(null, Set.of(), 1.0,
      DEFAULT_QUEUE_CAPACITY);

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
  }

  public boolean enabled() {
    return target != null && sampleRate > 0;
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
