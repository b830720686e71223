package io.inmesh.api;

/**
 * How a route changes a request before it is sent (Envoy's {@code prefix_rewrite},
 * {@code regex_rewrite}, {@code host_rewrite_*}, {@code request_headers_to_add} and
 * {@code request_headers_to_remove}). Immutable; header arrays hold name, value pairs.
 */
public final class RequestMutation implements java.util.function.BiPredicate<String, String> {

  private static final String[] NONE = new String[0];

  private final String pathAndQuery;
  private final String authority;
  private final String[] headersToSet;
  private final String[] headersToAppend;
  private final String[] headersToRemove;

  /**
   * @param pathAndQuery the rewritten path and query, or null to keep the application's
   * @param authority the rewritten Host, or null to keep the application's
   * @param headersToSet name, value pairs that replace any value the request has
   * @param headersToAppend name, value pairs added beside any value the request has
   * @param headersToRemove names removed from the request
   */
  public RequestMutation(String pathAndQuery, String authority, String[] headersToSet,
      String[] headersToAppend, String[] headersToRemove) {
    this.pathAndQuery = pathAndQuery;
    this.authority = authority;
    this.headersToSet = headersToSet == null ? NONE : headersToSet.clone();
    this.headersToAppend = headersToAppend == null ? NONE : headersToAppend.clone();
    this.headersToRemove = headersToRemove == null ? NONE : headersToRemove.clone();
  }

  public String pathAndQuery() {
    return pathAndQuery;
  }

  public String authority() {
    return authority;
  }

  public int setCount() {
    return headersToSet.length / 2;
  }

  public String setName(int i) {
    return headersToSet[2 * i];
  }

  public String setValue(int i) {
    return headersToSet[2 * i + 1];
  }

  public int appendCount() {
    return headersToAppend.length / 2;
  }

  public String appendName(int i) {
    return headersToAppend[2 * i];
  }

  public String appendValue(int i) {
    return headersToAppend[2 * i + 1];
  }

  /** As a header filter when the request is copied: keeps what the route does not remove. */
  @Override
  public boolean test(String name, String value) {
    return !replaces(name);
  }

  /** True when the header, compared ignoring case, is removed or replaced by the route. */
  public boolean replaces(String name) {
    for (String removed : headersToRemove) {
      if (removed.equalsIgnoreCase(name)) {
        return true;
      }
    }
    for (int i = 0; i < headersToSet.length; i += 2) {
      if (headersToSet[i].equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
