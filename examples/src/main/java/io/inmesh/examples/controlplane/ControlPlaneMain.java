package io.inmesh.examples.controlplane;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Serves a resource file over ADS until stopped:
 * <pre>
 * ControlPlaneMain --file mesh.json [--port 15010 | --uds /tmp/inmesh-xds.sock] [--set NAME=VALUE]...
 * </pre>
 * {@code --set} fills {@code ${NAME}} placeholders in the file.
 */
public final class ControlPlaneMain {

  private static final String USAGE = "usage: ControlPlaneMain --file FILE "
      + "[--port PORT | --uds PATH] [--set NAME=VALUE]...";

  private ControlPlaneMain() {}

  public static void main(String[] args) throws Exception {
    Path file = null;
    Path uds = null;
    int port = 15010;
    Map<String, String> placeholders = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--file" -> file = Path.of(required(value, "--file"));
        case "--port" -> port = Integer.parseInt(required(value, "--port"));
        case "--uds" -> uds = Path.of(required(value, "--uds"));
        case "--set" -> {
          String assignment = required(value, "--set");
          int eq = assignment.indexOf('=');
          if (eq <= 0) {
            exit("--set expects NAME=VALUE, got " + assignment);
          }
          placeholders.put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        default -> exit("unknown argument " + args[i]);
      }
      i++;
    }
    if (file == null) {
      exit("--file is required");
    }
    if (!Files.isReadable(file)) {
      exit("cannot read " + file.toAbsolutePath());
    }

    LocalControlPlane controlPlane =
        uds != null ? LocalControlPlane.onUnixSocket(uds) : LocalControlPlane.onLoopback(port);
    controlPlane.start();
    ResourceFile resources;
    try {
      resources = new ResourceFile(file, controlPlane, placeholders).start();
    } catch (EnvoyJson.InvalidResourcesException e) {
      controlPlane.close();
      exit(file + ": " + e.getMessage());
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      resources.close();
      controlPlane.close();
    }, "control-plane-shutdown"));
    System.out.println("xDS (ADS) on " + controlPlane.serverUri() + ", serving " + file
        + "; edits are published on save. Ctrl-C stops.");
    Thread.currentThread().join();
  }

  private static String required(String value, String flag) {
    if (value == null) {
      exit(flag + " needs a value");
    }
    return value;
  }

  private static void exit(String message) {
    System.err.println(message);
    System.err.println(USAGE);
    System.exit(2);
  }
}
