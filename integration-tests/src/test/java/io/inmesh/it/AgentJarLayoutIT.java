package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.it.support.AgentJvm;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * What the isolation and the old-JVM promise rest on, checked on the built jar: only the premain
 * classes at the top level, Java 8 bytecode for them and the bootstrap API, and every class of the
 * runtime relocated under {@code io.inmesh}.
 */
class AgentJarLayoutIT {

  private static final int JAVA_8 = 52;

  @Test
  void manifestDeclaresPremainAgentMainAndRetransformation() throws IOException {
    try (JarFile jar = new JarFile(AgentJvm.agentJar().toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertEquals("io.inmesh.agent.InmeshAgent", main.getValue("Premain-Class"));
      assertEquals("io.inmesh.agent.InmeshAgent", main.getValue("Agent-Class"));
      assertEquals("true", main.getValue("Can-Retransform-Classes"));
    }
  }

  @Test
  void onlyThePremainClassesAreVisibleToTheApplicationAndTheyAreJava8() throws IOException {
    try (JarFile jar = new JarFile(AgentJvm.agentJar().toFile())) {
      List<String> classes = new ArrayList<>();
      jar.stream().filter(e -> e.getName().endsWith(".class")).forEach(e -> {
        classes.add(e.getName());
        assertTrue(e.getName().startsWith("io/inmesh/agent/"), e.getName());
      });
      assertTrue(classes.contains("io/inmesh/agent/InmeshAgent.class"));
      for (String name : classes) {
        try (InputStream in = jar.getInputStream(jar.getEntry(name))) {
          assertEquals(JAVA_8, majorVersion(in), name);
        }
      }
    }
  }

  @Test
  void theBootstrapApiIsJava8AndHoldsOnlyTheApi() throws IOException {
    int count = 0;
    try (JarFile jar = new JarFile(AgentJvm.agentJar().toFile());
        JarInputStream api = new JarInputStream(
            jar.getInputStream(jar.getEntry("inmesh/inmesh-bootstrap-api.jar")))) {
      for (ZipEntry e; (e = api.getNextEntry()) != null; ) {
        if (e.getName().endsWith(".class")) {
          count++;
          assertTrue(e.getName().startsWith("io/inmesh/api/"), e.getName());
          assertEquals(JAVA_8, majorVersion(api), e.getName());
        }
      }
    }
    assertTrue(count >= 4, "classes in the bootstrap API: " + count);
  }

  @Test
  void everyRuntimeClassIsRelocatedAndTheNativeTransportIsRenamedToMatch() throws IOException {
    boolean nativeEpoll = false;
    int classes = 0;
    try (JarFile jar = new JarFile(AgentJvm.agentJar().toFile());
        JarInputStream runtime = new JarInputStream(
            jar.getInputStream(jar.getEntry("inmesh/inmesh-runtime.jar")))) {
      for (ZipEntry e; (e = runtime.getNextEntry()) != null; ) {
        String name = e.getName();
        if (name.endsWith(".class")) {
          classes++;
          assertTrue(name.startsWith("io/inmesh/"), "not relocated: " + name);
        }
        if (name.equals("META-INF/native/"
            + "libio_inmesh_shaded_io_grpc_netty_shaded_netty_transport_native_epoll_x86_64.so")) {
          nativeEpoll = true;
        }
      }
    }
    assertTrue(classes > 1000, "runtime classes: " + classes);
    assertTrue(nativeEpoll, "netty's epoll library under its relocated name");
  }

  private static int majorVersion(InputStream classFile) throws IOException {
    DataInputStream in = new DataInputStream(classFile);
    assertEquals(0xCAFEBABE, in.readInt());
    in.readUnsignedShort();
    return in.readUnsignedShort();
  }
}
