package io.inmesh.policies.route;

/**
 * One {@code request_mirror_policies} entry (of the route, or inherited from its virtual host or
 * route configuration).
 *
 * @param cluster {@code cluster}
 * @param fractionPerMillion {@code runtime_fraction.default_value} in parts per million (1e6 when
 *     unset: every request)
 * @param appendShadowSuffix {@code !disable_shadow_host_suffix_append}: the mirrored request's
 *     Host gets "-shadow" after the host name, as in Envoy
 */
public record RequestMirrorPolicy(String cluster, int fractionPerMillion,
    boolean appendShadowSuffix) {

  /** Envoy's shadow host: {@code host:port} becomes {@code host-shadow:port}. */
  public static String shadowAuthority(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon > 0 && authority.indexOf(']', colon) < 0 && authority.indexOf(':') == colon) {
      return authority.substring(0, colon) + "-shadow" + authority.substring(colon);
    }
    if (authority.startsWith("[") && authority.contains("]:")) {
      int close = authority.indexOf("]:");
      return authority.substring(0, close + 1) + "-shadow" + authority.substring(close + 1);
    }
    return authority + "-shadow";
  }
}
