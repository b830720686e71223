package io.inmesh.policies;

import java.util.Locale;
import java.util.Map;

/** A request for router tests. */
public record TestRequest(String authority, String path, Map<String, String> headers)
    implements RequestView {

  public static TestRequest of(String authority, String path, String... headerPairs) {
    Map<String, String> h = new java.util.HashMap<>();
    for (int i = 0; i < headerPairs.length; i += 2) {
      h.put(headerPairs[i].toLowerCase(Locale.ROOT), headerPairs[i + 1]);
    }
    return new TestRequest(authority, path, h);
  }

  @Override
  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }
}
