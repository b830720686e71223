package io.inmesh.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The client applications: one HTTP client library version each, whose jars
 * {@code integration-tests/client-apps/pom.xml} copied to {@code target/client-apps/<app>} (never
 * on the test JVM's class path), and a probe class for the library, compiled here against exactly
 * those jars from {@code integration-tests/client-apps/src}.
 */
public final class ClientApps {

  private ClientApps() {}

  /**
   * Compiles {@code probe} (a class name under client-apps/src) against {@code app}'s libraries
   * into {@code dir} and returns the child application's class path.
   */
  public static String classpath(String app, String probe, Path dir) throws IOException {
    Path libs = Paths.get(required("inmesh.client.apps.libs")).resolve(app);
    List<String> jars;
    try (Stream<Path> files = Files.list(libs)) {
      jars = files.map(Path::toString).filter(f -> f.endsWith(".jar")).sorted()
          .collect(Collectors.toList());
    }
    if (jars.isEmpty()) {
      throw new IllegalStateException("no libraries in " + libs);
    }
    Path source = Paths.get(required("inmesh.client.apps.src"))
        .resolve(probe.replace('.', File.separatorChar) + ".java");
    Path classes = Files.createDirectories(dir.resolve("probe-classes"));
    String compileClasspath = AgentJvm.testClasspath() + File.pathSeparator
        + String.join(File.pathSeparator, jars);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", compileClasspath,
        "-proc:none", "-nowarn", "-encoding", "UTF-8", source.toString()));
    int rc = javac.run(null, diagnostics, diagnostics, args.toArray(new String[0]));
    if (rc != 0) {
      throw new IllegalStateException("could not compile " + source + " against " + jars + "\n"
          + diagnostics);
    }
    return classes + File.pathSeparator + compileClasspath;
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException(property + " not set: run through Maven (failsafe)");
    }
    return value;
  }
}
