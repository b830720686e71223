package io.inmesh.policies.route;

import com.google.re2j.Pattern;
import io.inmesh.policies.RequestView;
import java.util.Locale;

/**
 * One {@code config.route.v3.HeaderMatcher}. Values of a repeated header are joined with ',' before
 * matching, as Envoy does.
 */
public final class HeaderMatcher {

  /** Which form of header_match_specifier this is. */
  public enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, REGEX, PRESENT }

  private final String name;
  private final Kind kind;
  private final String value;
  private final Pattern regex;
  private final boolean present;
  private final boolean ignoreCase;
  private final boolean invert;

  private HeaderMatcher(String name, Kind kind, String value, Pattern regex, boolean present,
      boolean ignoreCase, boolean invert) {
    this.name = name.toLowerCase(Locale.ROOT);
    this.kind = kind;
    this.value = value;
    this.regex = regex;
    this.present = present;
    this.ignoreCase = ignoreCase;
    this.invert = invert;
  }

  /** exact, prefix, suffix or contains. */
  public static HeaderMatcher ofString(String name, Kind kind, String value, boolean ignoreCase,
      boolean invert) {
    if (kind == Kind.REGEX || kind == Kind.PRESENT) {
      throw new IllegalArgumentException("not a string match: " + kind);
    }
    return new HeaderMatcher(name, kind, value, null, false, ignoreCase, invert);
  }

  public static HeaderMatcher ofRegex(String name, Pattern regex, boolean invert) {
    return new HeaderMatcher(name, Kind.REGEX, null, regex, false, false, invert);
  }

  public static HeaderMatcher ofPresent(String name, boolean present, boolean invert) {
    return new HeaderMatcher(name, Kind.PRESENT, null, null, present, false, invert);
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public boolean matches(RequestView request) {
    String actual = valueOf(request);
    boolean matched;
    if (kind == Kind.PRESENT) {
      matched = (actual != null) == present;
    } else {
      matched = actual != null && matchesValue(actual);
    }
    return matched != invert;
  }

  private String valueOf(RequestView request) {
    if (name.charAt(0) == ':') {
      switch (name) {
        case ":authority":
          return request.authority();
        case ":path":
          return request.path();
        default:
          return request.header(name);
      }
    }
    return request.header(name);
  }

  private boolean matchesValue(String actual) {
    switch (kind) {
      case EXACT:
        return ignoreCase ? actual.equalsIgnoreCase(value) : actual.equals(value);
      case PREFIX:
        return actual.regionMatches(ignoreCase, 0, value, 0, value.length());
      case SUFFIX:
        return actual.length() >= value.length() && actual.regionMatches(ignoreCase,
            actual.length() - value.length(), value, 0, value.length());
      case CONTAINS:
        return ignoreCase
            ? actual.toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT))
            : actual.contains(value);
      case REGEX:
        return regex.matches(actual);
      default:
        return false;
    }
  }

  @Override
  public String toString() {
    return "HeaderMatcher{" + name + " " + (invert ? "not " : "") + kind
        + (value != null ? " '" + value + "'" : regex != null ? " /" + regex.pattern() + "/" : "")
        + "}";
  }
}
