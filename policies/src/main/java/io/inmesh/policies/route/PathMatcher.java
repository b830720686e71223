package io.inmesh.policies.route;

import com.google.re2j.Pattern;

/** RouteMatch.path_specifier: {@code prefix}, {@code path} or {@code safe_regex}. */
public sealed interface PathMatcher {

  boolean matches(String pathAndQuery);

  /** Envoy matches {@code path} and {@code safe_regex} against the path with the query removed. */
  static String withoutQuery(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }

  /** {@code prefix}: the start of :path, query included (as Envoy does). */
  record Prefix(String prefix, boolean caseSensitive) implements PathMatcher {
    @Override
    public boolean matches(String pathAndQuery) {
      return pathAndQuery.regionMatches(!caseSensitive, 0, prefix, 0, prefix.length());
    }
  }

  /** {@code path}: the whole path once the query string is removed. */
  record Exact(String path, boolean caseSensitive) implements PathMatcher {
    @Override
    public boolean matches(String pathAndQuery) {
      String p = withoutQuery(pathAndQuery);
      return caseSensitive ? p.equals(path) : p.equalsIgnoreCase(path);
    }
  }

  /** {@code safe_regex} (RE2 semantics): a full match of the path without the query. */
  record Regex(Pattern pattern) implements PathMatcher {
    @Override
    public boolean matches(String pathAndQuery) {
      return pattern.matches(withoutQuery(pathAndQuery));
    }
  }
}
