package io.inmesh.runtime;

import io.inmesh.policies.log.AgentLog;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.loading.ClassInjector;

/**
 * Makes the bootstrap API ({@code io.inmesh.api}) visible to every class, JDK classes included.
 *
 * <p>It defines the API's few classes directly in the bootstrap loader rather than appending a jar
 * to the bootstrap class path: an appended class path makes the JVM turn off class data sharing
 * for the application's classes (and print a warning saying so at every start), which would slow
 * the start of applications that rely on AppCDS. Appending stays as the fallback.
 */
final class BootstrapApiInjection {

  private static final AgentLog LOG = AgentLog.get(BootstrapApiInjection.class);
  private static final String NESTED_API = "inmesh/inmesh-bootstrap-api.jar";

  private BootstrapApiInjection() {}

  static void run(Instrumentation inst, File agentJar, Runnable appendToClassPath) {
    try {
      Map<String, byte[]> classes = readApiClasses(agentJar);
      ClassInjector.UsingUnsafe.Factory factory = ClassInjector.UsingUnsafe.Factory.resolve(inst);
      if (factory.isAvailable() && !classes.isEmpty()) {
        factory.make(null).injectRaw(classes.keySet(), new ClassFileLocator.Simple(classes));
        return;
      }
      LOG.debug("cannot define classes in the bootstrap loader; appending the API jar instead");
    } catch (Throwable t) {
      LOG.debug("defining the bootstrap API failed (%s); appending the API jar instead", t);
    }
    appendToClassPath.run();
  }

  private static Map<String, byte[]> readApiClasses(File agentJar) throws IOException {
    Map<String, byte[]> classes = new HashMap<>();
    try (JarFile jar = new JarFile(agentJar);
        InputStream nested = jar.getInputStream(jar.getEntry(NESTED_API));
        JarInputStream api = new JarInputStream(nested)) {
      for (ZipEntry e; (e = api.getNextEntry()) != null; ) {
        String name = e.getName();
        if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
          classes.put(name.substring(0, name.length() - 6).replace('/', '.'), api.readAllBytes());
        }
      }
    }
    return classes;
  }
}
