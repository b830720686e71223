package io.inmesh.policies.route;

import io.inmesh.policies.RequestView;
import java.util.List;

/** {@code config.route.v3.RouteMatch}: a path matcher and all header matchers must match. */
public record RouteMatch(PathMatcher path, List<HeaderMatcher> headers) {

  public RouteMatch {
    headers = List.copyOf(headers);
  }

  public boolean matches(RequestView request) {
    if (!path.matches(request.path())) {
      return false;
    }
    for (int i = 0; i < headers.size(); i++) {
      if (!headers.get(i).matches(request)) {
        return false;
      }
    }
    return true;
  }
}
