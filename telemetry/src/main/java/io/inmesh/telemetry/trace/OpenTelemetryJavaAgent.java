package io.inmesh.telemetry.trace;

/**
 * Whether the OpenTelemetry Java agent is attached to this JVM. It appends its jar to the
 * bootstrap class path, so its bootstrap classes are visible from the boot loader; its premain
 * class is on the system class loader. Asked once, when tracing starts (after every premain ran).
 */
final class OpenTelemetryJavaAgent {

  /** Built at run time: the shade plugin would relocate a literal class name. */
  private static final String BOOTSTRAP = String.join(".", "io", "opentelemetry", "javaagent",
      "bootstrap", "AgentInitializer");
  private static final String PREMAIN = String.join(".", "io", "opentelemetry", "javaagent",
      "OpenTelemetryAgent");

  private OpenTelemetryJavaAgent() {}

  static boolean attached() {
    return present(BOOTSTRAP, null) || present(PREMAIN, ClassLoader.getSystemClassLoader());
  }

  private static boolean present(String name, ClassLoader loader) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
