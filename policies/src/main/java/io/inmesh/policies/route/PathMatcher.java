package io.inmesh.policies.route;

import com.google.re2j.Pattern;

/**
 * RouteMatch.path_specifier: {@code prefix}, {@code path}, {@code safe_regex} or
 * {@code path_separated_prefix}, with {@code case_sensitive} (not for safe_regex).
 */
public sealed interface PathMatcher {

  boolean matches(String pathAndQuery);

  /**
   * How many leading characters of the request path {@code prefix_rewrite} replaces: the prefix for
   * prefix matches, the whole path without the query for {@code path} and {@code safe_regex}
   * (Envoy's "matched path").
   */
  int rewrittenLength(String pathAndQuery);

  /** Envoy matches {@code path} and {@code safe_regex} against the path with the query removed. */
  static String withoutQuery(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }

  /** The length of the path without its query. */
  static int pathLength(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery.length() : q;
  }

  /** {@code prefix}: the start of :path, query included (as Envoy does). */
  record Prefix(String prefix, boolean caseSensitive) implements PathMatcher {
    @Override
    public boolean matches(String pathAndQuery) {
      return pathAndQuery.regionMatches(!caseSensitive, 0, prefix, 0, prefix.length());
    }

    @Override
    public int rewrittenLength(String pathAndQuery) {
      return prefix.length();
    }
  }

  /** {@code path}: the whole path once the query string is removed. */
  record Exact(String path, boolean caseSensitive) implements PathMatcher {
    @Override
    public boolean matches(String pathAndQuery) {
      int len = pathLength(pathAndQuery);
      return len == path.length()
          && pathAndQuery.regionMatches(!caseSensitive, 0, path, 0, len);
    }

    @Override
    public int rewrittenLength(String pathAndQuery) {
      return pathLength(pathAndQuery);
    }
  }

  /** {@code safe_regex} (RE2 semantics): a full match of the path without the query. */
  record Regex(Pattern pattern) implements PathMatcher {
    @Override
    public boolean matches(String pathAndQuery) {
      return pattern.matches(withoutQuery(pathAndQuery));
    }

    @Override
    public int rewrittenLength(String pathAndQuery) {
      return pathLength(pathAndQuery);
    }
  }

  /**
   * {@code path_separated_prefix}: the path without the query equals the prefix or continues it
   * with '/'. The prefix never ends with '/' (Envoy validates that).
   */
  record PathSeparatedPrefix(String prefix, boolean caseSensitive) implements PathMatcher {
    @Override
    public boolean matches(String pathAndQuery) {
      int len = pathLength(pathAndQuery);
      if (len < prefix.length()
          || !pathAndQuery.regionMatches(!caseSensitive, 0, prefix, 0, prefix.length())) {
        return false;
      }
      return len == prefix.length() || pathAndQuery.charAt(prefix.length()) == '/';
    }

    @Override
    public int rewrittenLength(String pathAndQuery) {
      return prefix.length();
    }
  }
}
