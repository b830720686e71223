package io.inmesh.agent;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * The isolated loader of the agent runtime. Its parent is the platform loader, so the runtime sees
 * the JDK and the bootstrap API but never the application's classes (nor its grpc, protobuf,
 * netty or guava), and the application never sees the runtime's.
 */
final class AgentClassLoader extends URLClassLoader {

  static {
    ClassLoader.registerAsParallelCapable();
  }

  AgentClassLoader(File runtimeJar, ClassLoader parent) throws MalformedURLException {
    super(new URL[] {runtimeJar.toURI().toURL()}, parent);
  }

  @Override
  public String toString() {
    return "InmeshAgentClassLoader";
  }
}
