package io.inmesh.policies;

import io.inmesh.policies.cluster.Endpoint;

/**
 * The outcome of routing one call.
 *
 * @param result what happened
 * @param route the matched route's name (may be empty), or null
 * @param cluster the picked cluster, or null
 * @param endpoint the endpoint to dial, non-null only for {@link Result#ROUTED}
 */
public record Routing(Result result, String route, String cluster, Endpoint endpoint) {

  /** The outcomes Envoy distinguishes, with the response flag it logs for each. */
  public enum Result {
    ROUTED(0, "-"),
    /** No virtual host or route matched: Envoy answers 404 with flag NR. */
    NO_ROUTE(404, "NR"),
    /** The cluster is unknown or has no endpoints: Envoy answers 503 with flag UH (or NC). */
    NO_HEALTHY_UPSTREAM(503, "UH");

    private final int httpStatus;
    private final String responseFlag;

    Result(int httpStatus, String responseFlag) {
      this.httpStatus = httpStatus;
      this.responseFlag = responseFlag;
    }

    public int httpStatus() {
      return httpStatus;
    }

    public String responseFlag() {
      return responseFlag;
    }
  }
}
