package io.inmesh.xds.resource;

/**
 * Interns the strings a mesh repeats thousands of times (cluster names, EDS service names, route
 * config names, virtual host domains, filter types): a sidecar-mode client decodes the whole mesh,
 * and every protobuf getter returns a fresh copy of the same text. The JVM's string table is
 * weakly held, so names that leave the mesh are collected.
 */
public final class Names {

  private Names() {}

  /** The canonical instance of {@code name} (null stays null). */
  public static String intern(String name) {
    return name == null ? null : name.intern();
  }
}
