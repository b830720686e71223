package io.inmesh.telemetry;

/** CallRecords for tests. */
final class Calls {

  static final String REVIEWS_V1 = "outbound|9080|v1|reviews.default.svc.cluster.local";

  private Calls() {}

  static CallRecord ok(String cluster, int code, long millis, long reqBytes, long respBytes) {
    return new CallRecord("http", "GET", "reviews:9080", "/reviews/1?user=alice",
        "reviews:9080", "r1", cluster, "127.96.0.7:9080", code, "-", null,
        1_700_000_000_123L, millis * 1_000_000, reqBytes, respBytes);
  }

  static CallRecord local(String target, int code, String flags) {
    return new CallRecord("http", "GET", target, "/x", target, null, null, null, code, flags,
        null, 1_700_000_000_123L, 50_000, -1, -1);
  }
}
