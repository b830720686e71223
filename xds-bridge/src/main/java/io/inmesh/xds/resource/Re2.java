package io.inmesh.xds.resource;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;

/** Compiles {@code type.matcher.v3.RegexMatcher} ({@code safe_regex}) with RE2 semantics. */
final class Re2 {

  private Re2() {}

  static Pattern compile(RegexMatcher matcher, boolean caseInsensitive, String where)
      throws ResourceException {
    String regex = matcher.getRegex();
    try {
      return Pattern.compile(regex, caseInsensitive ? Pattern.CASE_INSENSITIVE : 0);
    } catch (PatternSyntaxException e) {
      throw new ResourceException(null, where + ": invalid RE2 regex '" + regex + "': "
          + e.getDescription());
    }
  }
}
