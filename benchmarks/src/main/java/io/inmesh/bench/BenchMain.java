package io.inmesh.bench;

import io.inmesh.bench.harness.BenchmarksDoc;
import io.inmesh.bench.harness.ChildProcess;
import io.inmesh.bench.harness.Harness;
import io.inmesh.bench.harness.JavaRuntime;
import io.inmesh.bench.harness.LoadSettings;
import io.inmesh.bench.harness.Report;
import io.inmesh.bench.harness.RunResult;
import io.inmesh.bench.harness.Variant;
import io.inmesh.bench.profile.HotFrames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The side-by-side benchmark ({@code bench/run} calls this): rounds of every available variant in
 * rotating order, start-up runs, a flight recording of the Inmesh variant, the xDS update benchmark
 * in a JVM of its own; then the table on stdout and, with {@code --doc}, docs/BENCHMARKS.md.
 *
 * <p>Options ({@code --name value}): rounds, rate, warmup, fixed, max, concurrency (seconds and
 * counts), startup-runs, profile-seconds, xds (e.g. {@code routes:1000,endpoints:10000}, or
 * {@code none}), xds-updates, agent, otel, work, doc, jmh-json, command, haproxy
 * ({@code true}/{@code false}).
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
    LoadSettings load = new LoadSettings(Integer.parseInt(o.getOrDefault("rate", "500")),
        Integer.parseInt(o.getOrDefault("warmup", "4")),
        Integer.parseInt(o.getOrDefault("fixed", "8")),
        Integer.parseInt(o.getOrDefault("max", "4")),
        Integer.parseInt(o.getOrDefault("concurrency", "4")));
    int startupRuns = Integer.parseInt(o.getOrDefault("startup-runs", "5"));
    Path work = Files.createDirectories(Path.of(o.getOrDefault("work", "target/bench")));
    Path otel = o.containsKey("otel") ? Path.of(o.get("otel")) : null;
    String command = o.getOrDefault("command", "bench/run");

    Report report = new Report(String.format(
        "%d rounds; per run %d s warm-up (closed loop, %d threads), %d s at %d req/s open loop,"
            + " %d s closed loop with %d threads; start-up: median of %d runs",
        rounds, load.warmupSeconds(), load.maxConcurrency(), load.fixedSeconds(), load.rate(),
        load.maxSeconds(), load.maxConcurrency(), startupRuns));
    try (Harness harness = new Harness(work, Path.of(o.get("agent")), otel,
        Boolean.parseBoolean(o.getOrDefault("haproxy", "true")))) {
      List<Variant> variants = new ArrayList<>(harness.available());
      System.out.println("variants: " + variants + "; work dir " + work.toAbsolutePath());
      for (int round = 0; round < rounds; round++) {
        for (Variant v : rotated(variants, round)) {
          RunResult result = harness.run(v, load);
          System.out.printf("round %d %-20s p50 %6.0f us  p99 %6.0f us  max %5.0f req/s"
                  + "  errors %.0f%n", round + 1, v.label(), result.get("fixed.p50"),
              result.get("fixed.p99"), result.get("max.rps"),
              result.get("fixed.errors") + result.get("max.errors"));
          report.add(result);
        }
      }
      for (int run = 0; run < startupRuns; run++) {
        for (Variant v : rotated(variants, run)) {
          report.addStartup(v, harness.startToFirstResponse(v));
        }
      }
      int profileSeconds = Integer.parseInt(o.getOrDefault("profile-seconds", "16"));
      if (profileSeconds > 0) {
        report.setProfile(profile(harness, load, profileSeconds, work));
      }
    }
    String xds = o.getOrDefault("xds", "routes:1000,routes:10000,endpoints:10000,endpoints:100000");
    if (!xds.equals("none")) {
      xdsUpdates(report, xds.split(","), o.getOrDefault("xds-updates", "5"), work);
    }
    if (o.containsKey("jmh-json") && Files.isRegularFile(Path.of(o.get("jmh-json")))) {
      report.setJmh(Path.of(o.get("jmh-json")));
    }
    System.out.println();
    System.out.print(report.consoleTable());
    if (o.containsKey("doc")) {
      BenchmarksDoc doc = new BenchmarksDoc(Path.of(o.get("doc")));
      doc.replace("startup", report.startupMarkdown(command));
      doc.replace("side-by-side", report.sideBySideMarkdown(command));
      System.out.println("wrote " + o.get("doc"));
    }
  }

  /** Round r starts at the r-th variant, so no variant always runs first (or last). */
  static List<Variant> rotated(List<Variant> variants, int round) {
    List<Variant> order = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      order.add(variants.get((i + round) % variants.size()));
    }
    return order;
  }

  private static HotFrames profile(Harness harness, LoadSettings load, int seconds, Path work)
      throws Exception {
    Path jfr = work.resolve("inmesh.jfr").toAbsolutePath();
    Files.deleteIfExists(jfr);
    // Steady state only (the recording starts after start-up and warm-up), sampled every
    // millisecond: request threads spend most of their time in socket I/O, which is not sampled.
    LoadSettings profiled = new LoadSettings(load.rate(), load.warmupSeconds(), seconds / 2,
        seconds - seconds / 2, load.maxConcurrency());
    harness.run(Variant.INMESH, profiled, List.of("-XX:StartFlightRecording=settings=profile,"
        + "jdk.ExecutionSample#period=1ms,delay=" + (load.warmupSeconds() + 2) + "s,filename="
        + jfr));
    return HotFrames.of(jfr, 10);
  }

  private static void xdsUpdates(Report report, String[] scenarios, String updates, Path work)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(updates));
    args.addAll(List.of(scenarios));
    try (ChildProcess bench = ChildProcess.start(new JavaRuntime().commandWithFullClasspath(
            List.of("-Xmx3g"), "io.inmesh.bench.xds.XdsUpdateBench",
            args.toArray(String[]::new)), Map.of(), work.resolve("xds-update.log"))) {
      for (int i = 0; i < scenarios.length; i++) {
        String line = bench.await("XDS", Duration.ofMinutes(5));
        System.out.println(line);
        report.addXdsUpdate(line);
      }
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    if (!options.containsKey("agent")) {
      throw new IllegalArgumentException("--agent path/to/inmesh-agent.jar is required");
    }
    return options;
  }
}
