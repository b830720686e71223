package io.inmesh.policies.route;

import com.google.re2j.Pattern;

/** {@code prefix_rewrite} or {@code regex_rewrite} of a route or redirect. */
public sealed interface PathRewrite {

  /**
   * The new path and query.
   *
   * @param matcher the route's path matcher, which says how much {@code prefix_rewrite} replaces
   */
  String rewrite(String pathAndQuery, PathMatcher matcher);

  /**
   * {@code prefix_rewrite}: the matched part (the prefix, or the whole path without the query for
   * exact and regex matches) is replaced; the query is kept.
   */
  record Prefix(String replacement) implements PathRewrite {
    @Override
    public String rewrite(String pathAndQuery, PathMatcher matcher) {
      int n = Math.min(matcher.rewrittenLength(pathAndQuery), pathAndQuery.length());
      return replacement + pathAndQuery.substring(n);
    }
  }

  /**
   * {@code regex_rewrite}: every match in the path (query excluded) replaced; the query is kept.
   *
   * @param substitution in RE2/J syntax (see {@link Rewrites#re2jReplacement})
   */
  record Regex(Pattern pattern, String substitution) implements PathRewrite {
    @Override
    public String rewrite(String pathAndQuery, PathMatcher matcher) {
      int q = PathMatcher.pathLength(pathAndQuery);
      String path = Rewrites.replaceAll(pattern, substitution, pathAndQuery.substring(0, q));
      return q == pathAndQuery.length() ? path : path + pathAndQuery.substring(q);
    }
  }
}
