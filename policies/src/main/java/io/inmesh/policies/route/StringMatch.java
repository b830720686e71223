package io.inmesh.policies.route;

import com.google.re2j.Pattern;
import java.util.Locale;

/**
 * {@code type.matcher.v3.StringMatcher}: exact, prefix, suffix, contains (optionally ignoring case)
 * or safe_regex (RE2, full match; ignore_case does not apply, as in Envoy). Precompiled: the regex
 * once, the lower-cased value once.
 */
public final class StringMatch {

  /** Which {@code match_pattern} this is. */
  public enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, REGEX }

  private final Kind kind;
  private final String value;
  private final String lowerValue;
  private final Pattern regex;
  private final boolean ignoreCase;

  private StringMatch(Kind kind, String value, Pattern regex, boolean ignoreCase) {
    this.kind = kind;
    this.value = value;
    this.lowerValue = value == null ? null : value.toLowerCase(Locale.ROOT);
    this.regex = regex;
    this.ignoreCase = ignoreCase;
  }

  /** exact, prefix, suffix or contains. */
  public static StringMatch of(Kind kind, String value, boolean ignoreCase) {
    if (kind == Kind.REGEX) {
      throw new IllegalArgumentException("use regex(Pattern) for safe_regex");
    }
    return new StringMatch(kind, value, null, ignoreCase);
  }

  public static StringMatch regex(Pattern regex) {
    return new StringMatch(Kind.REGEX, null, regex, false);
  }

  public Kind kind() {
    return kind;
  }

  /** The value matched against (exact, prefix, suffix, contains), or null for a regex. */
  public String value() {
    return value;
  }

  public boolean matches(String actual) {
    switch (kind) {
      case EXACT:
        return ignoreCase ? actual.equalsIgnoreCase(value) : actual.equals(value);
      case PREFIX:
        return actual.regionMatches(ignoreCase, 0, value, 0, value.length());
      case SUFFIX:
        return actual.length() >= value.length() && actual.regionMatches(ignoreCase,
            actual.length() - value.length(), value, 0, value.length());
      case CONTAINS:
        return ignoreCase ? actual.toLowerCase(Locale.ROOT).contains(lowerValue)
            : actual.contains(value);
      case REGEX:
        return regex.matches(actual);
      default:
        return false;
    }
  }

  @Override
  public String toString() {
    return kind + (regex != null ? " /" + regex.pattern() + "/" : " '" + value + "'")
        + (ignoreCase ? " ignore_case" : "");
  }
}
