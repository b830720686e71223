package io.inmesh.policies.route;

import com.google.re2j.Pattern;
import io.inmesh.policies.RequestView;
import java.util.Locale;

/**
 * One {@code config.route.v3.HeaderMatcher}. Values of a repeated header are joined with ',' before
 * matching, as Envoy does. Pseudo-headers {@code :authority} (also {@code host}), {@code :path},
 * {@code :method} and {@code :scheme} read the request's own fields.
 *
 * <p>An absent header never matches a value matcher (string, regex, range), whatever
 * {@code invert_match} says, unless {@code treat_missing_header_as_empty}; {@code present_match:
 * false} matches an absent header. This is Envoy's (and gRPC's) rule.
 */
public final class HeaderMatcher {

  /** Which form of header_match_specifier this is. */
  public enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, REGEX, PRESENT, RANGE }

  private final String name;
  private final Kind kind;
  private final StringMatch string;
  private final boolean present;
  private final long rangeStart;
  private final long rangeEnd;
  private final boolean invert;
  private final boolean missingAsEmpty;

  private HeaderMatcher(String name, Kind kind, StringMatch string, boolean present,
      long rangeStart, long rangeEnd, boolean invert, boolean missingAsEmpty) {
    this.name = name.toLowerCase(Locale.ROOT);
    this.kind = kind;
    this.string = string;
    this.present = present;
    this.rangeStart = rangeStart;
    this.rangeEnd = rangeEnd;
    this.invert = invert;
    this.missingAsEmpty = missingAsEmpty;
  }

  /** exact, prefix, suffix or contains. */
  public static HeaderMatcher ofString(String name, Kind kind, String value, boolean ignoreCase,
      boolean invert) {
    return ofString(name, kind, value, ignoreCase, invert, false);
  }

  /** exact, prefix, suffix or contains, with {@code treat_missing_header_as_empty}. */
  public static HeaderMatcher ofString(String name, Kind kind, String value, boolean ignoreCase,
      boolean invert, boolean missingAsEmpty) {
    StringMatch.Kind k = switch (kind) {
      case EXACT -> StringMatch.Kind.EXACT;
      case PREFIX -> StringMatch.Kind.PREFIX;
      case SUFFIX -> StringMatch.Kind.SUFFIX;
      case CONTAINS -> StringMatch.Kind.CONTAINS;
      default -> throw new IllegalArgumentException("not a string match: " + kind);
    };
    return new HeaderMatcher(name, kind, StringMatch.of(k, value, ignoreCase), false, 0, 0,
        invert, missingAsEmpty);
  }

  public static HeaderMatcher ofRegex(String name, Pattern regex, boolean invert) {
    return ofRegex(name, regex, invert, false);
  }

  public static HeaderMatcher ofRegex(String name, Pattern regex, boolean invert,
      boolean missingAsEmpty) {
    return new HeaderMatcher(name, Kind.REGEX, StringMatch.regex(regex), false, 0, 0, invert,
        missingAsEmpty);
  }

  public static HeaderMatcher ofPresent(String name, boolean present, boolean invert) {
    return new HeaderMatcher(name, Kind.PRESENT, null, present, 0, 0, invert, false);
  }

  /** {@code range_match}: the value parses as a signed 64-bit integer in [start, end). */
  public static HeaderMatcher ofRange(String name, long start, long end, boolean invert,
      boolean missingAsEmpty) {
    return new HeaderMatcher(name, Kind.RANGE, null, false, start, end, invert, missingAsEmpty);
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public boolean matches(RequestView request) {
    String actual = valueOf(request);
    if (kind == Kind.PRESENT) {
      return ((actual != null) == present) != invert;
    }
    if (actual == null) {
      if (!missingAsEmpty) {
        return false;
      }
      actual = "";
    }
    boolean matched;
    if (kind == Kind.RANGE) {
      matched = inRange(actual);
    } else {
      matched = string.matches(actual);
    }
    return matched != invert;
  }

  private boolean inRange(String actual) {
    long v;
    try {
      v = Long.parseLong(actual);
    } catch (NumberFormatException e) {
      return false;
    }
    return v >= rangeStart && v < rangeEnd;
  }

  private String valueOf(RequestView request) {
    if (name.charAt(0) == ':' || name.equals("host")) {
      switch (name) {
        case ":authority":
        case "host":
          return request.authority();
        case ":path":
          return request.path();
        case ":method":
          return request.method();
        case ":scheme":
          return request.scheme();
        default:
          return request.header(name);
      }
    }
    return request.header(name);
  }

  @Override
  public String toString() {
    return "HeaderMatcher{" + name + " " + (invert ? "not " : "")
        + (kind == Kind.PRESENT ? "present=" + present
            : kind == Kind.RANGE ? "range [" + rangeStart + "," + rangeEnd + ")" : string)
        + "}";
  }
}
