package io.inmesh.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The route's response header changes as edits a client can make to its own response object:
 * advice copies the response's headers into a case-insensitive map, asks {@link #of} what
 * changes, then replaces exactly those headers. Headers the route leaves alone keep their order.
 */
public final class ResponseHeaderChanges {

  private ResponseHeaderChanges() {}

  /** An empty case-insensitive header map for advice to fill. */
  public static Map<String, List<String>> newHeaderMap() {
    return new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
  }

  /** Adds one received header value to a map from {@link #newHeaderMap()}. */
  public static void put(Map<String, List<String>> headers, String name, String value) {
    List<String> values = headers.get(name);
    if (values == null) {
      values = new ArrayList<String>(1);
      headers.put(name, values);
    }
    values.add(value);
  }

  /**
   * @param received the response's headers, from {@link #newHeaderMap()}
   * @return each header the route changes with its new values (none: remove it), or an empty map
   */
  public static Map<String, List<String>> of(Decision decision,
      Map<String, List<String>> received) {
    if (decision == null || decision.responseRewrite() == null) {
      return Collections.emptyMap();
    }
    Map<String, List<String>> changed = newHeaderMap();
    for (Map.Entry<String, List<String>> e : received.entrySet()) {
      changed.put(e.getKey(), new ArrayList<String>(e.getValue()));
    }
    decision.responseRewrite().apply(changed);
    Map<String, List<String>> edits = newHeaderMap();
    for (String name : received.keySet()) {
      if (!changed.containsKey(name)) {
        edits.put(name, Collections.<String>emptyList());
      }
    }
    for (Map.Entry<String, List<String>> e : changed.entrySet()) {
      if (!e.getValue().equals(received.get(e.getKey()))) {
        edits.put(e.getKey(), e.getValue());
      }
    }
    return edits;
  }
}
