package io.inmesh.bench.harness;

import io.inmesh.bench.ProcStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The loopback rig every variant shares: one upstream JVM (instances a and b), the xDS server, a
 * HAProxy sidecar and the agents; and the ways the app is run against it. Variants whose parts are
 * missing (no HAProxy, no OpenTelemetry jar) are simply not available.
 */
public final class Harness implements AutoCloseable {

  /** The same heap for every variant, so RSS and heap compare like with like. */
  private static final List<String> APP_JVM = List.of("-Xmx256m");

  private final JavaRuntime java = new JavaRuntime();
  private final Path workDir;
  private final Path inmeshAgent;
  private final Path otelAgent;
  private final Upstreams upstreams;
  private final MeshXds xds;
  private final HaproxySidecar haproxy;

  /**
   * @param otelAgent the OpenTelemetry javaagent jar, or null to leave that variant out
   * @param withHaproxy start the HAProxy variant (if HAProxy is installed)
   */
  public Harness(Path workDir, Path inmeshAgent, Path otelAgent, boolean withHaproxy)
      throws IOException, InterruptedException {
    this.workDir = Files.createDirectories(workDir);
    this.inmeshAgent = inmeshAgent;
    this.otelAgent = otelAgent;
    this.upstreams = Upstreams.start(java, workDir);
    this.xds = MeshXds.serve(upstreams, workDir);
    this.haproxy = withHaproxy && HaproxySidecar.installed()
        ? HaproxySidecar.start(upstreams, workDir) : null;
  }

  public Set<Variant> available() {
    Set<Variant> variants = EnumSet.of(Variant.NO_AGENT, Variant.INMESH);
    if (otelAgent != null && Files.isRegularFile(otelAgent)) {
      variants.add(Variant.OTEL);
    }
    if (haproxy != null) {
      variants.add(Variant.HAPROXY);
    }
    return variants;
  }

  /** One measured run: warm-up, fixed rate, memory, max throughput. */
  public RunResult run(Variant variant, LoadSettings load) throws IOException,
      InterruptedException {
    return run(variant, load, List.of());
  }

  /** As {@link #run(Variant, LoadSettings)} with extra JVM options, e.g. a flight recording. */
  public RunResult run(Variant variant, LoadSettings load, List<String> extraJvmOptions)
      throws IOException, InterruptedException {
    long[] before = upstreams.counts();
    try (ChildProcess app = startApp(variant, extraJvmOptions, load.appArguments(url(variant)))) {
      app.await("BEGIN fixed", load.timeout());
      long proxyCpu = haproxyCpu(variant);
      app.await("END fixed", load.timeout());
      proxyCpu = haproxyCpu(variant) - proxyCpu;
      long proxyRss = variant == Variant.HAPROXY ? ProcStat.rssKib(haproxy.pid()) : 0;
      Map<String, Double> values = RunResult.parse(app.await("RESULT", load.timeout()));
      app.waitFor(Duration.ofSeconds(10));
      long[] after = upstreams.counts();
      return new RunResult(variant, values, proxyCpu, proxyRss, after[0] - before[0],
          after[1] - before[1]);
    }
  }

  /** Milliseconds from launching the app's JVM to its first 200 response. */
  public long startToFirstResponse(Variant variant) throws IOException, InterruptedException {
    long launched = System.currentTimeMillis();
    try (ChildProcess app = startApp(variant, List.of(), "first", url(variant))) {
      String line = app.await("FIRST", Duration.ofSeconds(90));
      if (!line.startsWith("FIRST at=")) {
        throw new IllegalStateException(variant + ": no successful first request");
      }
      return Long.parseLong(line.substring("FIRST at=".length())) - launched;
    }
  }

  private long haproxyCpu(Variant variant) {
    return variant == Variant.HAPROXY ? ProcStat.cpuMillis(haproxy.pid()) : 0;
  }

  private String url(Variant variant) {
    return switch (variant) {
      case NO_AGENT, OTEL -> "http://127.0.0.1:" + upstreams.portA() + "/reviews/1,"
          + "http://127.0.0.1:" + upstreams.portB() + "/reviews/1";
      case INMESH -> InmeshPolicySet.URL;
      case HAPROXY -> haproxy.url();
    };
  }

  private ChildProcess startApp(Variant variant, List<String> extraJvmOptions, String... args)
      throws IOException {
    List<String> options = new ArrayList<>(APP_JVM);
    options.addAll(extraJvmOptions);
    Map<String, String> env = new HashMap<>();
    if (variant == Variant.INMESH) {
      options.add("-javaagent:" + inmeshAgent + "="
          + InmeshPolicySet.agentArguments(xds.bootstrap()));
    } else if (variant == Variant.OTEL) {
      options.add("-javaagent:" + otelAgent);
      env.putAll(otelEnvironment());
    }
    return ChildProcess.start(java.command(options, "io.inmesh.bench.app.LoadApp", args), env,
        workDir.resolve("app-" + variant.name().toLowerCase() + ".log"));
  }

  /** Traces and metrics exported over OTLP/HTTP to the upstream JVM's sink, logs off. */
  private Map<String, String> otelEnvironment() {
    return Map.of(
        "OTEL_SERVICE_NAME", "bench-app",
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + upstreams.sinkPort(),
        "OTEL_LOGS_EXPORTER", "none",
        "OTEL_METRIC_EXPORT_INTERVAL", "10000");
  }

  public Path workDir() {
    return workDir;
  }

  @Override
  public void close() {
    if (haproxy != null) {
      haproxy.close();
    }
    xds.close();
    upstreams.close();
  }
}
