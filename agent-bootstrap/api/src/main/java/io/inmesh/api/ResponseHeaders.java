package io.inmesh.api;

/**
 * A library's response headers, opened for the route's response header changes: advice wraps
 * the library's response in one and hands it to {@link Decision#responseRewrite()}, which applies
 * Envoy's {@code response_headers_to_add} and {@code response_headers_to_remove} to it. Names
 * compare ignoring case.
 */
public interface ResponseHeaders {

  boolean contains(String name);

  /** Replaces every value of the header. */
  void set(String name, String value);

  /** Adds a value beside those the header has. */
  void add(String name, String value);

  void remove(String name);
}
