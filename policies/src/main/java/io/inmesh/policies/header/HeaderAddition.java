package io.inmesh.policies.header;

import java.util.Locale;

/**
 * One {@code core.v3.HeaderValueOption}.
 *
 * @param name the header name, lower-cased
 * @param value the value, possibly with command operators
 * @param action {@code append_action}
 * @param keepEmptyValue {@code keep_empty_value}: when false, a value that resolves to "" is not
 *     added
 */
public record HeaderAddition(String name, HeaderValue value, AppendAction action,
    boolean keepEmptyValue) {

  public HeaderAddition {
    name = name.toLowerCase(Locale.ROOT);
  }
}
