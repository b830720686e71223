package io.inmesh.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running an application main class with the real agent jar attached, driven through
 * stdin and read through stdout; stderr (where the agent logs) is kept for assertions.
 */
public final class AgentJvm implements AutoCloseable {

  private final Process process;
  private final PrintWriter stdin;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();

  private AgentJvm(Process process) {
    this.process = process;
    this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    pump(new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8)), line -> stdout.add(line), "stdout");
    pump(new BufferedReader(new InputStreamReader(process.getErrorStream(),
        StandardCharsets.UTF_8)), line -> {
          stderr.add(line);
          System.err.println("  child| " + line);
        }, "stderr");
  }

  /**
   * Agent arguments for a test application in the mesh. The resource timeout is generous because
   * a wait ends as soon as the destination resolves, and on a loaded machine the first resolution
   * (xDS client start, ADS round trips) can take longer than the 1 s default; tests of the bound
   * itself pass their own arguments.
   */
  public static String meshArgs(Path bootstrap) {
    // telemetry listeners on ephemeral loopback ports: tests never bind 0.0.0.0 or fixed ports
    return "bootstrap=" + bootstrap + ",resource_timeout_ms=5000,admin=127.0.0.1:0"
        + ",metrics=127.0.0.1:0";
  }

  public static Path agentJar() {
    Path jar = Paths.get(System.getProperty("inmesh.agent.jar",
        "../agent-bootstrap/target/inmesh-agent.jar")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("agent jar not built: " + jar);
    }
    return jar;
  }

  /** The test classes directory, where the probe applications live. */
  public static String testClasspath() {
    try {
      return Paths.get(AgentJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * @param agentArgs the agent's arguments, or null to start without the agent
   */
  public static AgentJvm start(String javaHome, String agentArgs, Map<String, String> env,
      String classpath, String mainClass, String... args) throws IOException {
    return start(javaHome, List.of(), agentArgs, env, classpath, mainClass, args);
  }

  /** @param jvmOptions extra JVM options, e.g. a trust store */
  public static AgentJvm start(String javaHome, List<String> jvmOptions, String agentArgs,
      Map<String, String> env, String classpath, String mainClass, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(javaHome, "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    if (agentArgs != null) {
      cmd.add("-javaagent:" + agentJar() + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
    }
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("GRPC_XDS_BOOTSTRAP");
    pb.environment().remove("GRPC_XDS_BOOTSTRAP_CONFIG");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().putAll(env);
    return new AgentJvm(pb.start());
  }

  public static AgentJvm start(String agentArgs, Map<String, String> env, String mainClass,
      String... args) throws IOException {
    return start(System.getProperty("java.home"), agentArgs, env, testClasspath(), mainClass,
        args);
  }

  private static void pump(BufferedReader reader, java.util.function.Consumer<String> sink,
      String name) {
    Thread t = new Thread(() -> {
      try {
        String line;
        while ((line = reader.readLine()) != null) {
          sink.accept(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "child-" + name);
    t.setDaemon(true);
    t.start();
  }

  public void send(String command) {
    stdin.println(command);
  }

  /** The next stdout line starting with {@code prefix}, waiting at most {@code seconds}. */
  public String await(String prefix, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : stdout.poll(left, TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no line starting with '" + prefix + "' within " + seconds
            + " s; stderr: " + String.join("\n", stderr));
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Sends a call command and returns its parsed result. */
  public ProbeResult call(String client, int count, String url, String... headers)
      throws InterruptedException {
    send("call " + client + " " + count + " " + url + (headers.length == 0 ? ""
        : " " + String.join(" ", headers)));
    return ProbeResult.parse(await("DONE", 120));
  }

  /** {@code count} calls made at once ({@code burst}), and their parsed result. */
  public ProbeResult burst(String client, int count, String url) throws InterruptedException {
    send("burst " + client + " " + count + " " + url);
    return ProbeResult.parse(await("DONE", 120));
  }

  /** One {@code fetch} of {@link io.inmesh.it.apps.HttpProbe}: the raw {@code FETCHED} line. */
  public String fetch(String client, String url, String... headers) throws InterruptedException {
    send("fetch " + client + " " + url + (headers.length == 0 ? ""
        : " " + String.join(" ", headers)));
    return await("FETCHED", 60);
  }

  public List<String> stderr() {
    return stderr;
  }

  public boolean stderrContains(String text) {
    return stderr.stream().anyMatch(l -> l.contains(text));
  }

  /** Waits for the process to exit by itself. */
  public boolean exited(int seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  public int exitValue() {
    return process.exitValue();
  }

  @Override
  public void close() {
    stdin.close();
    process.destroyForcibly();
  }
}
