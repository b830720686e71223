package io.inmesh.policies;

import java.util.Locale;
import java.util.Map;

/** A request for router tests. */
public record TestRequest(String authority, String path, Map<String, String> headers,
    String method, String scheme, String sourceIp) implements RequestView {

  public static TestRequest of(String authority, String path, String... headerPairs) {
    Map<String, String> h = new java.util.HashMap<>();
    for (int i = 0; i < headerPairs.length; i += 2) {
      h.put(headerPairs[i].toLowerCase(Locale.ROOT), headerPairs[i + 1]);
    }
    return new TestRequest(authority, path, h, "GET", "http", null);
  }

  public TestRequest withMethod(String m) {
    return new TestRequest(authority, path, headers, m, scheme, sourceIp);
  }

  public TestRequest withScheme(String s) {
    return new TestRequest(authority, path, headers, method, s, sourceIp);
  }

  public TestRequest withSourceIp(String ip) {
    return new TestRequest(authority, path, headers, method, scheme, ip);
  }

  @Override
  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }
}
