package io.inmesh.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.jar.JarFile;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}).
 *
 * <p>Kept tiny and Java 8 compatible: check the JVM, honour the kill switch, put the bootstrap API
 * on the bootstrap class path, and hand over to the runtime in its own class loader. Nothing here
 * may throw into the JVM: a failed start leaves the application running without the mesh.
 */
public final class InmeshAgent {

  static final String RUNTIME_CLASS = "io.inmesh.runtime.AgentRuntime";
  private static final int MIN_JAVA = 17;

  private static volatile boolean started;

  private InmeshAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst);
  }

  private static synchronized void start(String args, Instrumentation inst) {
    if (started) {
      return;
    }
    started = true;
    try {
      int feature = javaFeatureVersion(System.getProperty("java.specification.version"));
      if (feature < MIN_JAVA) {
        log("WARN", "needs Java " + MIN_JAVA + " or newer, this JVM is "
            + System.getProperty("java.version") + ": the agent stays idle, the application runs"
            + " without the mesh");
        return;
      }
      if (disabled(args)) {
        log("INFO", "disabled by INMESH_ENABLED=false or enabled=false: the agent stays idle");
        return;
      }
      File agentJar = AgentJar.locate();
      final AgentJar.Unpacked unpacked = AgentJar.unpack(agentJar);
      final Instrumentation instrumentation = inst;
      // The runtime appends the API to the bootstrap class path only once it knows it will route:
      // an idle agent leaves the JVM's class path (and its class data sharing) alone.
      Runnable appendBootstrapApi = new Runnable() {
        @Override
        public void run() {
          try {
            instrumentation.appendToBootstrapClassLoaderSearch(
                new JarFile(unpacked.bootstrapApi()));
          } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot open " + unpacked.bootstrapApi(), e);
          }
        }
      };
      ClassLoader loader = new AgentClassLoader(unpacked.runtime(), platformClassLoader());
      Class<?> runtime = Class.forName(RUNTIME_CLASS, true, loader);
      Method startMethod = runtime.getMethod("start", String.class, Instrumentation.class,
          File.class, Runnable.class);
      startMethod.invoke(null, args, inst, agentJar, appendBootstrapApi);
    } catch (Throwable t) {
      Throwable cause = t.getCause() != null && t instanceof java.lang.reflect.InvocationTargetException
          ? t.getCause() : t;
      log("ERROR", "failed to start, the application runs without the mesh: " + cause);
    }
  }

  static int javaFeatureVersion(String specVersion) {
    if (specVersion == null) {
      return 0;
    }
    String v = specVersion.startsWith("1.") ? specVersion.substring(2) : specVersion;
    int end = 0;
    while (end < v.length() && Character.isDigit(v.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
  }

  /** The kill switch, checked before anything is loaded. */
  static boolean disabled(String args) {
    String env = System.getenv("INMESH_ENABLED");
    if (env != null && env.trim().equalsIgnoreCase("false")) {
      return true;
    }
    if (args == null) {
      return false;
    }
    for (String part : args.split(",")) {
      String p = part.trim();
      if (p.equalsIgnoreCase("enabled=false")) {
        return true;
      }
    }
    return false;
  }

  /** The platform loader on Java 9+, so the runtime sees java.sql etc. but not the application. */
  private static ClassLoader platformClassLoader() throws Exception {
    return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
  }

  static void log(String level, String message) {
    System.err.println("[inmesh] " + level + " " + message);
  }
}
