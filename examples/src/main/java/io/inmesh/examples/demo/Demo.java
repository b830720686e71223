package io.inmesh.examples.demo;

import io.inmesh.examples.controlplane.EnvoyJson;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.ResourceFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Inmesh demo, one process and one child JVM, no Kubernetes:
 *
 * <ol>
 *   <li>two reviews backends, v1 and v2, on loopback ports;
 *   <li>an istiod-like xDS server serving {@code examples/demo/mesh.json} (80/20 v1/v2, header
 *       {@code end-user: jason} to v2), the backends' ports filled in, reloaded on save;
 *   <li>a gRPC xDS bootstrap file, as Istio's pilot-agent writes it;
 *   <li>a plain HttpClient application, {@link ReviewsClient}, started with
 *       {@code -javaagent:inmesh-agent.jar=bootstrap=FILE}, calling
 *       {@code http://reviews.default.svc.cluster.local:9080/reviews} and printing the live split.
 * </ol>
 *
 * <pre>Demo [--file MESH.json] [--agent JAR] [--duration SECONDS] [--uds] [--header NAME=VALUE]</pre>
 */
public final class Demo {

  static final String TARGET_URL = "http://reviews.default.svc.cluster.local:9080/reviews";

  private Demo() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Path root = DemoLayout.repositoryRoot();
    Path agent = options.agent != null ? options.agent : root.resolve(DemoLayout.AGENT_JAR);
    Path meshFile = options.file != null ? options.file : root.resolve(DemoLayout.MESH_FILE);
    if (!Files.isRegularFile(agent)) {
      fail("the Inmesh agent jar is missing: " + agent + "\n"
          + "Build it first, from " + root + ":  mvn -B -q install -DskipTests\n"
          + "or point the demo at one with --agent PATH.");
    }
    if (!Files.isRegularFile(meshFile)) {
      fail("the mesh file is missing: " + meshFile);
    }

    List<AutoCloseable> running = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(running), "demo-shutdown"));
    try {
      ReviewsBackend v1 = ReviewsBackend.start("reviews-v1");
      running.add(v1);
      ReviewsBackend v2 = ReviewsBackend.start("reviews-v2");
      running.add(v2);

      Path workDir = Files.createTempDirectory("inmesh-demo");
      running.add(() -> deleteTree(workDir));
      LocalControlPlane xds = options.uds
          ? LocalControlPlane.onUnixSocket(workDir.resolve("XDS"))
          : LocalControlPlane.onLoopback();
      running.add(xds.start());
      ResourceFile mesh = new ResourceFile(meshFile, xds, Map.of(
          "V1_PORT", Integer.toString(v1.port()), "V2_PORT", Integer.toString(v2.port())));
      running.add(mesh.start());
      Path bootstrap = XdsBootstrapFile.write(workDir.resolve("grpc-bootstrap.json"),
          xds.serverUri(), "demo-client.default", "default");

      System.out.println("Inmesh demo");
      System.out.println("  reviews v1 on 127.0.0.1:" + v1.port() + ", v2 on 127.0.0.1:" + v2.port());
      System.out.println("  xDS server on " + xds.serverUri() + " serving " + meshFile);
      System.out.println("  bootstrap  " + bootstrap);
      System.out.println("  agent      " + agent);
      System.out.println("Edit the weights in " + meshFile + " and save: the split follows."
          + (options.durationSeconds > 0 ? "" : " Ctrl-C stops."));

      Process client = launchClient(agent, bootstrap, options.header);
      running.add(0, () -> stop(client));
      relay(client);
      waitWhileRunning(client, xds, options.durationSeconds);
    } catch (EnvoyJson.InvalidResourcesException e) {
      fail(meshFile + ": " + e.getMessage());
    } finally {
      stopAll(running);
    }
  }

  /**
   * Until the client exits or the duration is up (0: until Ctrl-C), announcing each version the
   * control plane publishes, so an edit of the mesh file is seen to land.
   */
  private static void waitWhileRunning(Process client, LocalControlPlane xds, long seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String announced = xds.version();
    System.out.println("Demo: serving mesh version " + announced);
    while (!client.waitFor(250, TimeUnit.MILLISECONDS)) {
      if (!announced.equals(xds.version())) {
        announced = xds.version();
        System.out.println("Demo: serving mesh version " + announced);
      }
      if (seconds > 0 && System.nanoTime() - deadline > 0) {
        System.out.println("Demo: " + seconds + " s are up, stopping.");
        return;
      }
    }
    System.out.println("Demo: the client exited with code " + client.exitValue());
  }

  private static Process launchClient(Path agent, Path bootstrap, String header)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-javaagent:" + agent.toAbsolutePath() + "=bootstrap=" + bootstrap.toAbsolutePath()
            + ",metrics=127.0.0.1:15090,admin=127.0.0.1:15000",
        "-cp", DemoLayout.classesLocation().toString(),
        ReviewsClient.class.getName(),
        TARGET_URL));
    if (header != null) {
      command.addAll(List.of("--header", header));
    }
    System.out.println("  client     " + String.join(" ", command));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Copies the client's output, agent log lines included, to ours, marked as the client's. */
  private static void relay(Process client) {
    Thread relay = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          System.out.println("[reviews-client] " + line);
        }
      } catch (IOException e) {
        // The client is gone; its exit is reported by main.
      }
    }, "client-output");
    relay.setDaemon(true);
    relay.start();
  }

  private static void stop(Process client) throws InterruptedException {
    client.destroy();
    if (!client.waitFor(3, TimeUnit.SECONDS)) {
      client.destroyForcibly();
    }
  }

  // Runs from main's finally and from the shutdown hook (Ctrl-C); the second run finds nothing.
  private static void stopAll(List<AutoCloseable> running) {
    synchronized (running) {
      for (AutoCloseable part : running) {
        try {
          part.close();
        } catch (Exception e) {
          System.err.println("Demo: stopping " + part + ": " + e);
        }
      }
      running.clear();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static void fail(String message) {
    System.err.println("Demo: " + message);
    System.exit(2);
  }

  private static final class Options {
    Path file;
    Path agent;
    long durationSeconds;
    boolean uds;
    String header;

    static Options parse(String[] args) {
      Options options = new Options();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--file" -> options.file = Path.of(value(args, ++i));
          case "--agent" -> options.agent = Path.of(value(args, ++i));
          case "--duration" -> options.durationSeconds = Long.parseLong(value(args, ++i));
          case "--uds" -> options.uds = true;
          case "--header" -> options.header = value(args, ++i);
          default -> fail("unknown argument " + args[i] + "\nusage: Demo [--file MESH.json] "
              + "[--agent JAR] [--duration SECONDS] [--uds] [--header NAME=VALUE]");
        }
      }
      return options;
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        fail(args[i - 1] + " needs a value");
      }
      return args[i];
    }
  }
}
