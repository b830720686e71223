package io.inmesh.examples.demo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the demo's parts are in a checkout: the repository root, the agent jar another module
 * builds, the mesh file, and the compiled classes the client JVM runs.
 */
final class DemoLayout {

  static final String AGENT_JAR = "agent-bootstrap/target/inmesh-agent.jar";
  static final String MESH_FILE = "examples/demo/mesh.json";

  private DemoLayout() {}

  /**
   * The checkout holding these classes: the first directory above them (or above the working
   * directory) that has {@value #MESH_FILE}. Both are searched because the demo may run from
   * {@code examples/target/classes}, from a jar, or from Maven with any working directory.
   */
  static Path repositoryRoot() {
    for (Path start : new Path[] {classesLocation(), Path.of("").toAbsolutePath()}) {
      for (Path dir = start; dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(MESH_FILE))) {
          return dir;
        }
      }
    }
    throw new IllegalStateException("cannot find the Inmesh checkout (a directory with "
        + MESH_FILE + ") above " + classesLocation() + " or the working directory");
  }

  /** The directory or jar these classes were loaded from: the client JVM's class path. */
  static Path classesLocation() {
    try {
      return Path.of(ReviewsClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
