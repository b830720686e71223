package io.inmesh.bench.xds;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The live objects of this JVM by class, as {@code jcmd PID GC.class_histogram} prints them (after
 * a full GC), read in process through the DiagnosticCommand MBean. The difference of two tells
 * exactly what an object graph dropped in between retained, whatever the collector.
 */
record HeapHistogram(Map<String, long[]> byClass, long totalBytes) {

  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
  private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

  /**
   * Collects garbage, then counts what is left: the smaller of two histograms, because the JVM
   * skips the collection before one while a thread holds the GC locker (then garbage counts).
   */
  static HeapHistogram take() throws Exception {
    // Objects freed by finalizers (Netty's per-thread buffer caches) go only in a second GC.
    System.gc();
    System.runFinalization();
    HeapHistogram first = once();
    HeapHistogram second = once();
    return first.totalBytes() <= second.totalBytes() ? first : second;
  }

  private static HeapHistogram once() throws Exception {
    String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, long[]> byClass = new HashMap<>();
    long total = 0;
    for (String line : text.split("\n")) {
      Matcher row = ROW.matcher(line);
      if (row.find()) {
        byClass.put(row.group(3), new long[] {Long.parseLong(row.group(1)),
            Long.parseLong(row.group(2))});
        continue;
      }
      Matcher sum = TOTAL.matcher(line);
      if (sum.find()) {
        total = Long.parseLong(sum.group(2));
      }
    }
    return new HeapHistogram(byClass, total);
  }

  /** The {@code top} classes by bytes this histogram holds beyond {@code without}. */
  String topBeyond(HeapHistogram without, int top) {
    List<Map.Entry<String, long[]>> diff = new ArrayList<>();
    for (Map.Entry<String, long[]> e : byClass.entrySet()) {
      long[] before = without.byClass.getOrDefault(e.getKey(), new long[2]);
      long[] d = {e.getValue()[0] - before[0], e.getValue()[1] - before[1]};
      if (d[1] > 0) {
        diff.add(Map.entry(e.getKey(), d));
      }
    }
    diff.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%10s %12s  %s%n", "instances", "bytes", "class"));
    for (Map.Entry<String, long[]> e : diff.subList(0, Math.min(top, diff.size()))) {
      out.append(String.format(Locale.ROOT, "%10d %12d  %s%n", e.getValue()[0], e.getValue()[1],
          e.getKey()));
    }
    return out.toString();
  }
}
