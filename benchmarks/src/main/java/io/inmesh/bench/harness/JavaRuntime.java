package io.inmesh.bench.harness;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How child JVMs are started: this JVM's java binary and a class path of this module's classes and
 * HdrHistogram only, so the measured app carries nothing it does not use.
 */
public final class JavaRuntime {

  private final String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final String appClasspath;
  private final String fullClasspath = System.getProperty("java.class.path");

  public JavaRuntime() {
    this.appClasspath = codeSource(JavaRuntime.class) + File.pathSeparator
        + codeSource(org.HdrHistogram.Histogram.class);
  }

  private static String codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      throw new IllegalStateException("cannot locate " + type, e);
    }
  }

  /** {@code java OPTIONS -cp APP_CLASSPATH MAIN ARGS}. */
  public List<String> command(List<String> options, String mainClass, String... args) {
    return command(appClasspath, options, mainClass, args);
  }

  /** As {@link #command}, with this JVM's whole class path (control plane, xDS client). */
  public List<String> commandWithFullClasspath(List<String> options, String mainClass,
      String... args) {
    return command(fullClasspath, options, mainClass, args);
  }

  private List<String> command(String classpath, List<String> options, String mainClass,
      String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary);
    cmd.addAll(options);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }
}
