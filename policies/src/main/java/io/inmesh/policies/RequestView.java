package io.inmesh.policies;

/**
 * The normalized request every protocol maps its call to (see DESIGN.md, "A normalized request").
 * Routing reads only this.
 */
public interface RequestView {

  /** {@code host:port} or {@code host} as the application wrote it. */
  String authority();

  /** Path plus query, starting with '/'. */
  String path();

  /**
   * The request header with this lower-case name, multiple values joined with ',' (Envoy's rule for
   * header matching), or null when absent.
   */
  String header(String lowerCaseName);
}
