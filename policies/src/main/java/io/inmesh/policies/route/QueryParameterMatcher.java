package io.inmesh.policies.route;

import io.inmesh.policies.RequestView;

/**
 * {@code config.route.v3.QueryParameterMatcher}: the first value of the named parameter must match
 * the string matcher, or, for {@code present_match}, the parameter must be present. As in Envoy,
 * {@code present_match: false} also requires presence (Envoy only checks that the field is set).
 */
public record QueryParameterMatcher(String name, StringMatch value) {

  /** {@code present_match}. */
  public static QueryParameterMatcher present(String name) {
    return new QueryParameterMatcher(name, null);
  }

  public boolean matches(RequestView request) {
    String actual = request.queryParameter(name);
    if (actual == null) {
      return false;
    }
    return value == null || value.matches(actual);
  }
}
