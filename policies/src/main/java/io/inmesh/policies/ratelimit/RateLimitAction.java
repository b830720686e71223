package io.inmesh.policies.ratelimit;

import io.inmesh.policies.RequestView;
import io.inmesh.policies.route.HeaderMatcher;
import java.util.List;

/**
 * One {@code config.route.v3.RateLimit.Action}: produces one descriptor entry for a request, or
 * nothing (then the whole descriptor is not produced, as in Envoy).
 */
public sealed interface RateLimitAction {

  /** The entry's key and value, or null when this action produces nothing for the request. */
  Entry entry(RequestView request, String cluster);

  /** A descriptor entry. */
  record Entry(String key, String value) {}

  /** {@code generic_key}: a fixed entry ({@code descriptor_key} default "generic_key"). */
  record GenericKey(String key, String value) implements RateLimitAction {
    @Override
    public Entry entry(RequestView request, String cluster) {
      return new Entry(key, value);
    }
  }

  /**
   * {@code request_headers}: the header's value under {@code descriptor_key}; a missing header
   * produces nothing (with {@code skip_if_absent} the entry alone is skipped).
   */
  record RequestHeader(String header, String key, boolean skipIfAbsent)
      implements RateLimitAction {
    @Override
    public Entry entry(RequestView request, String cluster) {
      String v = request.header(header);
      return v == null ? null : new Entry(key, v);
    }
  }

  /** {@code destination_cluster}: ("destination_cluster", the routed cluster). */
  record DestinationCluster() implements RateLimitAction {
    @Override
    public Entry entry(RequestView request, String cluster) {
      return cluster == null ? null : new Entry("destination_cluster", cluster);
    }
  }

  /** {@code remote_address}: ("remote_address", the application's own address). */
  record RemoteAddress() implements RateLimitAction {
    @Override
    public Entry entry(RequestView request, String cluster) {
      String ip = request.sourceIp();
      return ip == null ? null : new Entry("remote_address", ip);
    }
  }

  /**
   * {@code header_value_match}: ({@code descriptor_key} default "header_match",
   * {@code descriptor_value}) when all {@code headers} match ({@code expect_match} true) or not.
   */
  record HeaderValueMatch(String key, String value, boolean expectMatch,
      List<HeaderMatcher> headers) implements RateLimitAction {
    public HeaderValueMatch {
      headers = List.copyOf(headers);
    }

    @Override
    public Entry entry(RequestView request, String cluster) {
      boolean all = true;
      for (int i = 0; i < headers.size() && all; i++) {
        all = headers.get(i).matches(request);
      }
      return all == expectMatch ? new Entry(key, value) : null;
    }
  }

  /** An action this client cannot evaluate ({@code metadata}, {@code extension}, ...). */
  record Unsupported(String name) implements RateLimitAction {
    @Override
    public Entry entry(RequestView request, String cluster) {
      return null;
    }
  }
}
