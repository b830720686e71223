package io.inmesh.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The layout of {@code inmesh-agent.jar}: only the premain classes sit at its top level (the JVM
 * puts the agent jar on the system class path, so anything there is visible to the application).
 * The bootstrap API and the runtime are nested jars, unpacked once per agent build into a
 * directory under {@code java.io.tmpdir} and reused by every JVM that starts with the same jar.
 */
final class AgentJar {

  static final String BOOTSTRAP_API = "inmesh/inmesh-bootstrap-api.jar";
  static final String RUNTIME = "inmesh/inmesh-runtime.jar";

  private AgentJar() {}

  /** The two nested jars on disk. */
  static final class Unpacked {
    private final File bootstrapApi;
    private final File runtime;

    Unpacked(File bootstrapApi, File runtime) {
      this.bootstrapApi = bootstrapApi;
      this.runtime = runtime;
    }

    File bootstrapApi() {
      return bootstrapApi;
    }

    File runtime() {
      return runtime;
    }
  }

  static File locate() throws URISyntaxException {
    URL location = InmeshAgent.class.getProtectionDomain().getCodeSource().getLocation();
    return new File(location.toURI());
  }

  static Unpacked unpack(File agentJar) throws IOException {
    JarFile jar = new JarFile(agentJar);
    try {
      JarEntry api = entry(jar, BOOTSTRAP_API);
      JarEntry runtime = entry(jar, RUNTIME);
      // The directory name identifies this build of the agent: its size, time and the nested CRCs.
      String id = Long.toHexString(agentJar.length()) + "-" + Long.toHexString(api.getCrc())
          + "-" + Long.toHexString(runtime.getCrc());
      Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "inmesh-agent-" + id);
      Files.createDirectories(dir);
      return new Unpacked(extract(jar, api, dir), extract(jar, runtime, dir));
    } finally {
      jar.close();
    }
  }

  private static JarEntry entry(JarFile jar, String name) throws IOException {
    JarEntry e = jar.getJarEntry(name);
    if (e == null) {
      throw new IOException(jar.getName() + " has no " + name + ": not an Inmesh agent jar");
    }
    return e;
  }

  private static File extract(JarFile jar, JarEntry entry, Path dir) throws IOException {
    Path target = dir.resolve(entry.getName().substring(entry.getName().lastIndexOf('/') + 1));
    if (Files.isRegularFile(target) && Files.size(target) == entry.getSize()) {
      return target.toFile();
    }
    // Write beside and move, so concurrent JVMs never see a half-written jar.
    Path tmp = Files.createTempFile(dir, "unpack", ".tmp");
    InputStream in = jar.getInputStream(entry);
    try {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      in.close();
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      if (!Files.isRegularFile(target)) {
        throw e;
      }
    }
    return target.toFile();
  }
}
