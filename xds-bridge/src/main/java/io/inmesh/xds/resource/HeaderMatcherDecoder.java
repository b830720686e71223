package io.inmesh.xds.resource;

import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.inmesh.policies.route.HeaderMatcher;
import io.inmesh.policies.route.HeaderMatcher.Kind;

/** {@code config.route.v3.HeaderMatcher} to the model's {@link HeaderMatcher}. */
final class HeaderMatcherDecoder {

  private HeaderMatcherDecoder() {}

  static HeaderMatcher decode(io.envoyproxy.envoy.config.route.v3.HeaderMatcher proto,
      String where) throws ResourceException {
    String name = proto.getName();
    String at = where + " header '" + name + "'";
    if (name.isEmpty()) {
      throw new ResourceException(null, where + ": header matcher without a name");
    }
    boolean invert = proto.getInvertMatch();
    switch (proto.getHeaderMatchSpecifierCase()) {
      // The deprecated direct fields are still what some control planes send.
      case EXACT_MATCH:
        return HeaderMatcher.ofString(name, Kind.EXACT, proto.getExactMatch(), false, invert);
      case PREFIX_MATCH:
        return HeaderMatcher.ofString(name, Kind.PREFIX, proto.getPrefixMatch(), false, invert);
      case SUFFIX_MATCH:
        return HeaderMatcher.ofString(name, Kind.SUFFIX, proto.getSuffixMatch(), false, invert);
      case CONTAINS_MATCH:
        return HeaderMatcher.ofString(name, Kind.CONTAINS, proto.getContainsMatch(), false,
            invert);
      case SAFE_REGEX_MATCH:
        return HeaderMatcher.ofRegex(name, Re2.compile(proto.getSafeRegexMatch(), false, at),
            invert);
      case PRESENT_MATCH:
        return HeaderMatcher.ofPresent(name, proto.getPresentMatch(), invert);
      case STRING_MATCH:
        return decodeString(name, proto.getStringMatch(), invert, at);
      case RANGE_MATCH:
        throw new ResourceException(null, at + ": range_match is not supported yet");
      case HEADERMATCHSPECIFIER_NOT_SET:
      default:
        // Envoy treats a matcher with no specifier as "present".
        return HeaderMatcher.ofPresent(name, true, invert);
    }
  }

  private static HeaderMatcher decodeString(String name, StringMatcher m, boolean invert,
      String at) throws ResourceException {
    boolean ignoreCase = m.getIgnoreCase();
    switch (m.getMatchPatternCase()) {
      case EXACT:
        return HeaderMatcher.ofString(name, Kind.EXACT, m.getExact(), ignoreCase, invert);
      case PREFIX:
        return HeaderMatcher.ofString(name, Kind.PREFIX, m.getPrefix(), ignoreCase, invert);
      case SUFFIX:
        return HeaderMatcher.ofString(name, Kind.SUFFIX, m.getSuffix(), ignoreCase, invert);
      case CONTAINS:
        return HeaderMatcher.ofString(name, Kind.CONTAINS, m.getContains(), ignoreCase, invert);
      case SAFE_REGEX:
        // StringMatcher.ignore_case has no effect on safe_regex (Envoy docs).
        return HeaderMatcher.ofRegex(name, Re2.compile(m.getSafeRegex(), false, at), invert);
      default:
        throw new ResourceException(null, at + ": string_match " + m.getMatchPatternCase()
            + " is not supported");
    }
  }
}
