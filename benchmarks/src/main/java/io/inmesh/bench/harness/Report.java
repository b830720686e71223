package io.inmesh.bench.harness;

import io.inmesh.bench.profile.HotFrames;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Everything one {@code bench/run} measured, reduced to medians, and rendered as the console table
 * and as the generated sections of docs/BENCHMARKS.md.
 */
public final class Report {

  private final Map<Variant, List<RunResult>> runs = new EnumMap<>(Variant.class);
  private final Map<Variant, List<Long>> startups = new EnumMap<>(Variant.class);
  private final List<Map<String, String>> xdsUpdates = new ArrayList<>();
  private final String settings;
  private HotFrames profile;
  private JmhResults jmh;

  public Report(String settings) {
    this.settings = settings;
  }

  public void add(RunResult run) {
    runs.computeIfAbsent(run.variant(), v -> new ArrayList<>()).add(run);
  }

  public void addStartup(Variant variant, long millis) {
    startups.computeIfAbsent(variant, v -> new ArrayList<>()).add(millis);
  }

  /** One {@code XDS key=value ...} line of {@link io.inmesh.bench.xds.XdsUpdateBench}. */
  public void addXdsUpdate(String line) {
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    for (String part : line.substring(4).split(" ")) {
      int eq = part.indexOf('=');
      fields.put(part.substring(0, eq), part.substring(eq + 1));
    }
    xdsUpdates.add(fields);
  }

  public void setProfile(HotFrames profile) {
    this.profile = profile;
  }

  void setJmh(JmhResults jmh) {
    this.jmh = jmh;
  }

  public void setJmh(java.nio.file.Path json) throws java.io.IOException {
    this.jmh = JmhResults.read(json);
  }

  public List<RunResult> runs(Variant variant) {
    return runs.getOrDefault(variant, List.of());
  }

  private double median(Variant variant, ToDoubleFunction<RunResult> value) {
    return Medians.of(runs(variant), value);
  }

  private double median(Variant variant, String key) {
    return median(variant, r -> r.get(key));
  }

  /** App plus proxy CPU per 1,000 requests: what the variant costs the node. */
  private double cpuPer1k(Variant variant) {
    return median(variant, r -> r.appCpuPer1k() + r.proxyCpuPer1k());
  }

  // ---- console ----

  public String consoleTable() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "%-22s %8s %8s %8s %8s | %8s %8s %8s | %8s %8s | %7s %7s %7s | %7s%n",
        "variant", "p50 us", "p90 us", "p99 us", "p99.9 us", "max rps", "p50 us", "p99 us",
        "app cpu", "prx cpu", "rss MiB", "prx MiB", "heapMiB", "first"));
    for (Variant v : runs.keySet()) {
      out.append(String.format(Locale.ROOT,
          "%-22s %8.0f %8.0f %8.0f %8.0f | %8.0f %8.0f %8.0f | %8.1f %8.1f | %7.1f %7.1f %7.1f"
              + " | %5.0fms%n",
          v.label(), median(v, "fixed.p50"), median(v, "fixed.p90"), median(v, "fixed.p99"),
          median(v, "fixed.p999"), median(v, "max.rps"), median(v, "max.p50"),
          median(v, "max.p99"), median(v, RunResult::appCpuPer1k),
          median(v, RunResult::proxyCpuPer1k), median(v, "rss_kib") / 1024,
          median(v, r -> r.proxyRssKib()) / 1024, median(v, "heap_kib") / 1024,
          startupMedian(v)));
    }
    out.append("(latency at the fixed rate unless under 'max'; cpu = ms per 1,000 requests)\n");
    headline().forEach(line -> out.append(line).append('\n'));
    for (Map<String, String> x : xdsUpdates) {
      out.append("xDS ").append(x).append('\n');
    }
    if (profile != null) {
      out.append(String.format(Locale.ROOT, "JFR: %.1f%% of app samples in agent frames%n",
          profile.agentShare() * 100));
    }
    return out.toString();
  }

  private double startupMedian(Variant v) {
    return Medians.of(startups.getOrDefault(v, List.of()), Long::doubleValue);
  }

  // ---- headline ----

  /** Added latency and CPU against no agent, and how the sidecar hop and OTel compare. */
  public List<String> headline() {
    List<String> lines = new ArrayList<>();
    if (!runs.containsKey(Variant.NO_AGENT) || !runs.containsKey(Variant.INMESH)) {
      return lines;
    }
    for (Variant v : runs.keySet()) {
      if (v == Variant.NO_AGENT) {
        continue;
      }
      lines.add(String.format(Locale.ROOT,
          "%s adds %+.0f us p50, %+.0f us p99, %+.1f ms CPU per 1,000 requests (%.2fx, %.2fx,"
              + " %.2fx no agent)",
          v.label(), added(v, "fixed.p50"), added(v, "fixed.p99"), addedCpu(v),
          ratio(v, "fixed.p50"), ratio(v, "fixed.p99"), cpuPer1k(v) / cpuPer1k(Variant.NO_AGENT)));
    }
    for (Variant other : List.of(Variant.HAPROXY, Variant.OTEL)) {
      if (runs.containsKey(other)) {
        lines.add(String.format(Locale.ROOT,
            "%s against Inmesh: added p50 %+.0f vs %+.0f us (%s), added p99 %+.0f vs %+.0f us"
                + " (%s), added CPU %+.1f vs %+.1f ms per 1,000 requests (%s)",
            other.label(),
            added(other, "fixed.p50"), added(Variant.INMESH, "fixed.p50"),
            times(added(other, "fixed.p50"), added(Variant.INMESH, "fixed.p50")),
            added(other, "fixed.p99"), added(Variant.INMESH, "fixed.p99"),
            times(added(other, "fixed.p99"), added(Variant.INMESH, "fixed.p99")),
            addedCpu(other), addedCpu(Variant.INMESH),
            times(addedCpu(other), addedCpu(Variant.INMESH))));
      }
    }
    return lines;
  }

  private double added(Variant v, String key) {
    return median(v, key) - median(Variant.NO_AGENT, key);
  }

  private double addedCpu(Variant v) {
    return cpuPer1k(v) - cpuPer1k(Variant.NO_AGENT);
  }

  private double ratio(Variant v, String key) {
    return median(v, key) / median(Variant.NO_AGENT, key);
  }

  /** "12.3x", or why no ratio: an added cost at or below zero is within this machine's noise. */
  private static String times(double other, double inmesh) {
    if (inmesh <= 0) {
      return other <= 0 ? "both within noise" : "Inmesh's within noise";
    }
    return String.format(Locale.ROOT, "%.1fx", other / inmesh);
  }

  // ---- markdown ----

  public String startupMarkdown(String command) {
    StringBuilder md = new StringBuilder();
    md.append("### Start-up to first successful request (").append(LocalDate.now())
        .append(")\n\n");
    md.append("Command: `").append(command).append("` (part of the side-by-side run). From `java`")
        .append(" launch to the first 200 response of the same HttpClient app, the Inmesh variant")
        .append(" included its xDS subscription; median of ")
        .append(startups.values().stream().mapToInt(List::size).max().orElse(0))
        .append(" runs per variant, variants alternating.\n\n");
    md.append("| variant | median | added |\n|---|---|---|\n");
    double base = startupMedian(Variant.NO_AGENT);
    for (Variant v : startups.keySet()) {
      double m = startupMedian(v);
      md.append(String.format(Locale.ROOT, "| %s | %.0f ms | %s |%n", v.label(), m,
          v == Variant.NO_AGENT ? "" : String.format(Locale.ROOT, "%+.0f ms", m - base)));
    }
    return md.toString();
  }

  public String sideBySideMarkdown(String command) {
    StringBuilder md = new StringBuilder();
    md.append("## Side by side: no agent, Inmesh, OpenTelemetry agent, HAProxy hop (")
        .append(LocalDate.now()).append(")\n\n");
    md.append("Command: `").append(command).append("` (generated; do not edit by hand).  \n");
    md.append("Machine: ").append(Machine.describe()).append(", shared with other builds: ")
        .append("absolute times are noisy, compare variants within this table.  \n");
    md.append("Settings: ").append(settings).append("\n\n");
    md.append("""
        All on loopback. One upstream JVM (JDK `HttpServer`, `-Dsun.net.httpserver.nodelay=true`)
        serves two identical instances, a and b. The app is one JVM (`-Xmx256m`) that calls them
        with `java.net.http.HttpClient` (HTTP/1.1, keep-alive) and is its own load generator:
        open-loop at a fixed rate, each call timed from its intended start (HdrHistogram, no
        coordinated omission), then closed-loop flat out. Variants run in rotating order each round
        so machine drift hits them equally; every figure is the median over rounds.

        """);
    for (Variant v : Variant.values()) {
      if (runs.containsKey(v)) {
        md.append("- **").append(v.label()).append("**: ").append(v.description()).append('\n');
      }
    }
    md.append("\n| variant | p50 | p90 | p99 | p99.9 | max req/s | p50 at max | p99 at max |"
        + " app CPU ms / 1k req | proxy CPU ms / 1k req | app RSS | proxy RSS | heap after GC |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Variant v : runs.keySet()) {
      md.append(String.format(Locale.ROOT,
          "| %s | %s | %s | %s | %s | %.0f | %s | %s | %.1f | %s | %.0f MiB | %s | %.1f MiB |%n",
          v.label(), us(median(v, "fixed.p50")), us(median(v, "fixed.p90")),
          us(median(v, "fixed.p99")), us(median(v, "fixed.p999")), median(v, "max.rps"),
          us(median(v, "max.p50")), us(median(v, "max.p99")),
          median(v, RunResult::appCpuPer1k),
          v == Variant.HAPROXY ? String.format(Locale.ROOT, "%.1f",
              median(v, RunResult::proxyCpuPer1k)) : "",
          median(v, "rss_kib") / 1024,
          v == Variant.HAPROXY ? String.format(Locale.ROOT, "%.0f MiB",
              median(v, r -> r.proxyRssKib()) / 1024.0) : "",
          median(v, "heap_kib") / 1024));
    }
    md.append("\nLatency columns without \"at max\" are at the fixed rate. CPU is user+system time")
        .append(" from `/proc/PID/stat` over the fixed-rate phase; RSS (`VmRSS`) and heap (after")
        .append(" `System.gc()`) are read after warm-up and the fixed-rate phase.\n\n");
    md.append("### Headline\n\n");
    headline().forEach(line -> md.append("- ").append(line).append('\n'));
    md.append('\n');
    appendProfile(md);
    appendXds(md);
    appendJmh(md);
    return md.toString();
  }

  private void appendProfile(StringBuilder md) {
    if (profile == null) {
      return;
    }
    md.append("### Where the agent's own cost goes (JFR)\n\n");
    md.append(String.format(Locale.ROOT, "A flight recording (`settings=profile`) of a separate"
            + " Inmesh run (fixed rate, then flat out): %d execution samples"
            + " (`jdk.ExecutionSample`), %d (%.1f%%) with an agent frame (`io.inmesh.*`) on the"
            + " stack.%n%n", profile.samples(), profile.agentSamples(),
        profile.agentShare() * 100));
    appendCounts(md, "Innermost agent frame (the agent method the sample was in)",
        profile.agentMethods(), profile.agentSamples());
    appendCounts(md, "Leaf frame of those agent samples (what that method was doing)",
        profile.agentLeaves(), profile.agentSamples());
    md.append("Top leaf frames of the whole app:\n\n");
    for (HotFrames.Count c : profile.allLeaves()) {
      md.append(String.format(Locale.ROOT, "- `%s`: %d (%.1f%%)%n", c.frame(), c.samples(),
          100.0 * c.samples() / profile.samples()));
    }
    md.append('\n');
  }

  private static void appendCounts(StringBuilder md, String title, List<HotFrames.Count> counts,
      int of) {
    md.append("| ").append(title).append(" | samples | of agent samples |\n|---|---|---|\n");
    for (HotFrames.Count c : counts) {
      md.append(String.format(Locale.ROOT, "| `%s` | %d | %.0f%% |%n", c.frame(), c.samples(),
          100.0 * c.samples() / Math.max(1, of)));
    }
    md.append('\n');
  }

  private void appendXds(StringBuilder md) {
    if (xdsUpdates.isEmpty()) {
      return;
    }
    md.append("### xDS updates at scale\n\n");
    md.append("The real xDS client (xds-bridge `XdsClient`) against the examples control plane, in")
        .append(" a JVM of their own. Routes: one target whose route configuration has 100")
        .append(" virtual hosts (path-prefix routes, every fourth with a header match, each an")
        .append(" 80/20-style weighted split) over 20 clusters of 5 endpoints. Endpoints: 100")
        .append(" routes over 100 clusters. *Update* is the median time from the control plane's")
        .append(" `setResources` to the client's published snapshot holding the change (every")
        .append(" route's weights, or every endpoint's port); the control plane re-sends every")
        .append(" resource type on a new snapshot version, as a state-of-the-world server does.")
        .append(" *Heap* is what the client retains after a full GC (decoded model, resource")
        .append(" cache, gRPC), measured as the difference from before it started.\n\n");
    md.append("| table | first load (connect to resolved) | update applied | client heap |\n");
    md.append("|---|---|---|---|\n");
    for (Map<String, String> x : xdsUpdates) {
      String what = String.format(Locale.ROOT, "%,d %s", Integer.parseInt(x.get("size")),
          x.get("kind"));
      if (x.containsKey("failed")) {
        md.append("| ").append(what).append(" | failed: ").append(x.get("failed"))
            .append(" | | |\n");
      } else {
        md.append(String.format(Locale.ROOT, "| %s | %s ms | %s ms | %.1f MiB |%n", what,
            x.get("initial_ms"), x.get("update_ms"),
            Long.parseLong(x.get("heap_kib")) / 1024.0));
      }
    }
    md.append('\n');
  }

  private void appendJmh(StringBuilder md) {
    if (jmh == null) {
      return;
    }
    md.append("### Routing hot path (JMH)\n\n");
    md.append("`bench/jmh`: `Router.route` on a route table of 100 virtual hosts and 1,000 routes")
        .append(" (path prefixes, header matches, weighted splits) with 50 endpoints per cluster;")
        .append(" `-prof gc` for bytes allocated per call. DESIGN.md's budget: a few hundred")
        .append(" nanoseconds and no allocation beyond the decision (the `Routing` record, 24")
        .append(" bytes with compressed oops).\n\n");
    md.append("| benchmark | time | error | allocated |\n|---|---|---|---|\n");
    for (JmhResults.Row row : jmh.rows()) {
      md.append(String.format(Locale.ROOT, "| `%s` | %.1f %s | ± %.1f | %.1f B/op |%n",
          row.benchmark(), row.score(), row.unit(), row.error(), row.bytesPerOp()));
    }
    md.append('\n');
  }

  private static String us(double micros) {
    return micros >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1000)
        : String.format(Locale.ROOT, "%.0f µs", micros);
  }
}
