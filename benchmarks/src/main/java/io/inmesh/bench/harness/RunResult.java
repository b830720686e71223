package io.inmesh.bench.harness;

import java.util.HashMap;
import java.util.Map;

/**
 * What one run of the app measured: its {@code RESULT} line (latencies in microseconds), the
 * proxy's CPU over the fixed-rate phase and RSS after it (0 without a proxy), and how many requests
 * each upstream instance served during the run.
 */
public record RunResult(Variant variant, Map<String, Double> app, long proxyCpuMillis,
    long proxyRssKib, long servedByA, long servedByB) {

  static Map<String, Double> parse(String resultLine) {
    Map<String, Double> values = new HashMap<>();
    for (String part : resultLine.substring("RESULT".length()).trim().split(" ")) {
      int eq = part.indexOf('=');
      values.put(part.substring(0, eq), Double.parseDouble(part.substring(eq + 1)));
    }
    return values;
  }

  public double get(String key) {
    Double value = app.get(key);
    if (value == null) {
      throw new IllegalArgumentException("no " + key + " in " + app);
    }
    return value;
  }

  /** App CPU milliseconds per 1,000 requests in the fixed-rate phase. */
  public double appCpuPer1k() {
    return get("fixed.cpu_ms") * 1000 / Math.max(1, get("fixed.ok"));
  }

  /** Proxy CPU milliseconds per 1,000 requests in the fixed-rate phase. */
  public double proxyCpuPer1k() {
    return proxyCpuMillis * 1000.0 / Math.max(1, get("fixed.ok"));
  }
}
