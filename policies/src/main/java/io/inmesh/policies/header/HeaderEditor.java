package io.inmesh.policies.header;

/**
 * The headers of one outgoing request or incoming response, as an HTTP client adapter exposes them
 * to {@link HeaderMutations#applyTo}. Names are lower-case; implementations compare names
 * case-insensitively.
 */
public interface HeaderEditor {

  boolean contains(String name);

  /** Replaces every value of the header with this one (adds it when absent). */
  void set(String name, String value);

  /** Adds one more value (the header may repeat). */
  void add(String name, String value);

  /** Removes every value of the header. */
  void remove(String name);
}
