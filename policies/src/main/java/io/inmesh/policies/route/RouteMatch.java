package io.inmesh.policies.route;

import io.inmesh.policies.RandomSource;
import io.inmesh.policies.RequestView;
import java.util.List;

/**
 * {@code config.route.v3.RouteMatch}: the path matcher, every header matcher and every query
 * parameter matcher must match, and then the route is taken for {@code runtime_fraction} of the
 * requests (its {@code default_value}; there is no runtime to override it).
 *
 * @param runtimeFractionPerMillion {@code runtime_fraction.default_value} in parts per million;
 *     {@link #ALWAYS} when unset
 */
public record RouteMatch(PathMatcher path, List<HeaderMatcher> headers,
    List<QueryParameterMatcher> queryParameters, int runtimeFractionPerMillion) {

  public static final int ALWAYS = 1_000_000;

  public RouteMatch {
    headers = List.copyOf(headers);
    queryParameters = List.copyOf(queryParameters);
    if (runtimeFractionPerMillion < 0) {
      throw new IllegalArgumentException("negative runtime fraction");
    }
  }

  public RouteMatch(PathMatcher path, List<HeaderMatcher> headers) {
    this(path, headers, List.of(), ALWAYS);
  }

  /** Matches with a thread-local random draw for the runtime fraction. */
  public boolean matches(RequestView request) {
    return matches(request, RandomSource.threadLocal());
  }

  public boolean matches(RequestView request, RandomSource random) {
    if (!path.matches(request.path())) {
      return false;
    }
    for (int i = 0; i < headers.size(); i++) {
      if (!headers.get(i).matches(request)) {
        return false;
      }
    }
    for (int i = 0; i < queryParameters.size(); i++) {
      if (!queryParameters.get(i).matches(request)) {
        return false;
      }
    }
    return runtimeFractionPerMillion >= ALWAYS
        || random.nextInt(ALWAYS) < runtimeFractionPerMillion;
  }
}
