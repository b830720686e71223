package io.inmesh.it.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ReviewsMesh;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that ships and uses other versions of grpc and protobuf than the agent's own
 * runs unchanged with the agent attached, while the agent (on its relocated grpc and protobuf, in
 * its own class loader) still routes the application's HTTP calls by xDS.
 */
class IsolationIT {

  private static final int CALLS = 200;
  /** A stack trace line, or an exception or error named at the start of a line. */
  private static final Pattern TRACE = Pattern.compile(
      "^\\s+at \\S+\\(.*\\)$|^(Caused by: |Exception in thread )|^[\\w.$]+(Exception|Error)\\b");

  @Test
  void anApplicationWithItsOwnGrpcAndProtobufWorksAndIsRouted(@TempDir Path dir)
      throws Exception {
    String grpcVersion = required("inmesh.app.grpc.version");
    String protobufVersion = required("inmesh.app.protobuf.version");
    // The agent is built from the same grpc and protobuf as this JVM's class path: the test
    // proves nothing unless the application's versions differ from those.
    assertNotEquals("grpc-api-" + grpcVersion + ".jar", jarOf(io.grpc.ManagedChannel.class));
    assertNotEquals("protobuf-java-" + protobufVersion + ".jar",
        jarOf(com.google.protobuf.Message.class));

    try (ReviewsMesh mesh = new ReviewsMesh();
        LocalControlPlane controlPlane = LocalControlPlane.onLoopback().start()) {
      controlPlane.setResources("v1", mesh.split(80, 20));
      Path bootstrap = Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri());
      try (AgentJvm app = AgentJvm.start(System.getProperty("java.home"),
          AgentJvm.meshArgs(bootstrap), Map.of(), applicationClasspath(),
          IsolationApp.class.getName(), ReviewsMesh.URL, String.valueOf(CALLS), grpcVersion,
          protobufVersion)) {
        String line = app.await("ISOLATION", 30);
        assertTrue(line.startsWith("ISOLATION OK "), line);
        Map<String, String> result = fields(line);
        assertEquals("grpc-api-" + grpcVersion + ".jar", result.get("grpc"), line);
        assertEquals(grpcVersion, result.get("grpcVersion"), line);
        assertEquals("protobuf-java-" + protobufVersion + ".jar", result.get("protobuf"), line);
        assertEquals(protobufVersion, result.get("protobufVersion"), line);
        assertEquals("ok", result.get("grpcCall"), line);

        int v1 = Integer.parseInt(result.get("v1"));
        int v2 = Integer.parseInt(result.get("v2"));
        assertEquals("0", result.get("errors"), line);
        assertEquals(CALLS, v1 + v2, line);
        assertTrue(v2 >= CALLS / 10 && v2 <= CALLS * 3 / 10, "v2 share of 80/20: " + line);

        assertTrue(app.exited(10), "the application exits when main returns");
        assertEquals(0, app.exitValue());
        List<String> bad = app.stderr().stream()
            .filter(l -> l.contains("ERROR") || l.contains("SEVERE") || TRACE.matcher(l).find())
            .collect(Collectors.toList());
        assertEquals(List.of(), bad, String.join("\n", app.stderr()));
        assertEquals(0, controlPlane.nackCount(), "the agent accepted every resource");
      }
    }
  }

  /** The test classes (for the application's main class) and the application's own libraries. */
  private static String applicationClasspath() throws Exception {
    Path libs = Paths.get(required("inmesh.isolation.libs"));
    List<String> jars;
    try (Stream<Path> files = Files.list(libs)) {
      jars = files.map(Path::toString).filter(f -> f.endsWith(".jar")).sorted()
          .collect(Collectors.toList());
    }
    assertTrue(jars.size() > 5, "application libraries missing in " + libs + ": " + jars);
    return AgentJvm.testClasspath() + File.pathSeparator
        + String.join(File.pathSeparator, jars);
  }

  private static Map<String, String> fields(String line) {
    Map<String, String> fields = new HashMap<>();
    for (String token : line.split(" ")) {
      int eq = token.indexOf('=');
      if (eq > 0) {
        fields.put(token.substring(0, eq), token.substring(eq + 1));
      }
    }
    return fields;
  }

  private static String jarOf(Class<?> type) throws Exception {
    return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI())
        .getFileName().toString();
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException(property + " not set: run through Maven (failsafe)");
    }
    return value;
  }
}
