package io.inmesh.it.support;

import java.util.Map;
import java.util.TreeMap;

/** One {@code DONE ...} line of {@link io.inmesh.it.apps.HttpProbe}. */
public record ProbeResult(Map<String, Integer> counts, int errors, String hosts,
    String firstError) {

  static ProbeResult parse(String line) {
    Map<String, Integer> counts = new TreeMap<>();
    String c = field(line, "counts=", " errors=");
    if (!c.isEmpty()) {
      for (String kv : c.split(",")) {
        String[] p = kv.split(":");
        counts.put(p[0], Integer.parseInt(p[1]));
      }
    }
    return new ProbeResult(counts, Integer.parseInt(field(line, "errors=", " hosts=")),
        field(line, "hosts=", " firstError="), line.substring(line.indexOf("firstError=") + 11));
  }

  private static String field(String line, String start, String end) {
    int s = line.indexOf(start) + start.length();
    return line.substring(s, line.indexOf(end, s));
  }

  public int count(String version) {
    return counts.getOrDefault(version, 0);
  }

  public int total() {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }
}
