package io.inmesh.xds.resource;

import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.inmesh.policies.route.HeaderMatcher;
import io.inmesh.policies.route.HeaderMatcher.Kind;
import io.inmesh.policies.route.StringMatch;

/** {@code config.route.v3.HeaderMatcher} and {@code StringMatcher} to the model. */
final class HeaderMatcherDecoder {

  private HeaderMatcherDecoder() {}

  static HeaderMatcher decode(io.envoyproxy.envoy.config.route.v3.HeaderMatcher proto,
      String where) throws ResourceException {
    String name = Names.intern(proto.getName());
    String at = where + " header '" + name + "'";
    if (name.isEmpty()) {
      throw new ResourceException(null, where + ": header matcher without a name");
    }
    boolean invert = proto.getInvertMatch();
    boolean empty = proto.getTreatMissingHeaderAsEmpty();
    switch (proto.getHeaderMatchSpecifierCase()) {
      // The deprecated direct fields are still what some control planes send.
      case EXACT_MATCH:
        return HeaderMatcher.ofString(name, Kind.EXACT, proto.getExactMatch(), false, invert,
            empty);
      case PREFIX_MATCH:
        return HeaderMatcher.ofString(name, Kind.PREFIX, proto.getPrefixMatch(), false, invert,
            empty);
      case SUFFIX_MATCH:
        return HeaderMatcher.ofString(name, Kind.SUFFIX, proto.getSuffixMatch(), false, invert,
            empty);
      case CONTAINS_MATCH:
        return HeaderMatcher.ofString(name, Kind.CONTAINS, proto.getContainsMatch(), false,
            invert, empty);
      case SAFE_REGEX_MATCH:
        return HeaderMatcher.ofRegex(name, Re2.compile(proto.getSafeRegexMatch(), false, at),
            invert, empty);
      case PRESENT_MATCH:
        return HeaderMatcher.ofPresent(name, proto.getPresentMatch(), invert);
      case STRING_MATCH:
        return decodeString(name, proto.getStringMatch(), invert, empty, at);
      case RANGE_MATCH:
        long start = proto.getRangeMatch().getStart();
        long end = proto.getRangeMatch().getEnd();
        if (start >= end) {
          throw new ResourceException(null, at + ": range_match start " + start
              + " is not below end " + end);
        }
        return HeaderMatcher.ofRange(name, start, end, invert, empty);
      case HEADERMATCHSPECIFIER_NOT_SET:
      default:
        // Envoy treats a matcher with no specifier as "present".
        return HeaderMatcher.ofPresent(name, true, invert);
    }
  }

  private static HeaderMatcher decodeString(String name, StringMatcher m, boolean invert,
      boolean empty, String at) throws ResourceException {
    StringMatch s = stringMatch(m, at);
    if (s.kind() == StringMatch.Kind.REGEX) {
      return HeaderMatcher.ofRegex(name, Re2.compile(m.getSafeRegex(), false, at), invert, empty);
    }
    Kind kind = Kind.valueOf(s.kind().name());
    String value = Names.intern(switch (m.getMatchPatternCase()) {
      case EXACT -> m.getExact();
      case PREFIX -> m.getPrefix();
      case SUFFIX -> m.getSuffix();
      default -> m.getContains();
    });
    return HeaderMatcher.ofString(name, kind, value, m.getIgnoreCase(), invert, empty);
  }

  /** A {@code StringMatcher}; {@code custom} is NACKed. */
  static StringMatch stringMatch(StringMatcher m, String at) throws ResourceException {
    boolean ignoreCase = m.getIgnoreCase();
    switch (m.getMatchPatternCase()) {
      case EXACT:
        return StringMatch.of(StringMatch.Kind.EXACT, Names.intern(m.getExact()), ignoreCase);
      case PREFIX:
        if (m.getPrefix().isEmpty()) {
          throw new ResourceException(null, at + ": empty string_match prefix");
        }
        return StringMatch.of(StringMatch.Kind.PREFIX, Names.intern(m.getPrefix()), ignoreCase);
      case SUFFIX:
        if (m.getSuffix().isEmpty()) {
          throw new ResourceException(null, at + ": empty string_match suffix");
        }
        return StringMatch.of(StringMatch.Kind.SUFFIX, m.getSuffix(), ignoreCase);
      case CONTAINS:
        if (m.getContains().isEmpty()) {
          throw new ResourceException(null, at + ": empty string_match contains");
        }
        return StringMatch.of(StringMatch.Kind.CONTAINS, m.getContains(), ignoreCase);
      case SAFE_REGEX:
        // StringMatcher.ignore_case has no effect on safe_regex (Envoy docs).
        return StringMatch.regex(Re2.compile(m.getSafeRegex(), false, at));
      default:
        throw new ResourceException(null, at + ": string_match " + m.getMatchPatternCase()
            + " is not supported");
    }
  }
}
