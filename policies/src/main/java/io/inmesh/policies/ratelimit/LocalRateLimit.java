package io.inmesh.policies.ratelimit;

import io.inmesh.policies.RandomSource;
import io.inmesh.policies.RequestView;
import io.inmesh.policies.header.Header;
import java.util.List;

/**
 * {@code envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit}: the filter's config in
 * the HTTP connection manager, or a route's / virtual host's override in
 * {@code typed_per_filter_config}. Without a token bucket ({@link #bucket()} null) it limits
 * nothing: that is how Istio declares the filter once and configures it per route.
 *
 * <p>The buckets are live state; they belong to this decoded instance (a new configuration starts
 * with full buckets, as in Envoy when a filter config is replaced).
 *
 * @param statPrefix {@code stat_prefix}
 * @param status {@code status.code} (429 when unset)
 * @param bucket {@code token_bucket}, or null
 * @param enabledPerMillion {@code filter_enabled} default value (0 when unset, as Envoy)
 * @param enforcedPerMillion {@code filter_enforced} default value (0 when unset)
 * @param responseHeaders {@code response_headers_to_add}, added to rate limited responses
 * @param descriptors {@code descriptors}, each with its own bucket
 * @param stage {@code stage}: only route rate limits of this stage produce descriptors
 * @param alwaysConsumeDefaultBucket {@code always_consume_default_token_bucket} (true when unset)
 */
public record LocalRateLimit(String statPrefix, int status, TokenBucket bucket,
    int enabledPerMillion, int enforcedPerMillion, List<Header> responseHeaders,
    List<Descriptor> descriptors, int stage, boolean alwaysConsumeDefaultBucket) {

  public static final int ALWAYS = 1_000_000;

  /** A configuration that limits nothing. */
  public static final LocalRateLimit NONE = new LocalRateLimit("", 429, null, 0, 0, List.of(),
      List.of(), 0, true);

  public LocalRateLimit {
    responseHeaders = List.copyOf(responseHeaders);
    descriptors = List.copyOf(descriptors);
    if (status == 0) {
      status = 429;
    }
  }

  /**
   * {@code descriptors} entry: the entries to match (an empty value matches any value, as in
   * Envoy's wildcard descriptors) and their bucket.
   */
  public record Descriptor(List<RateLimitAction.Entry> entries, TokenBucket bucket) {
    public Descriptor {
      entries = List.copyOf(entries);
    }

    boolean matches(List<RateLimitAction.Entry> produced) {
      if (produced.size() != entries.size()) {
        return false;
      }
      for (int i = 0; i < entries.size(); i++) {
        RateLimitAction.Entry want = entries.get(i);
        RateLimitAction.Entry got = produced.get(i);
        if (!want.key().equals(got.key())
            || (!want.value().isEmpty() && !want.value().equals(got.value()))) {
          return false;
        }
      }
      return true;
    }
  }

  /** What the filter decided for one request. */
  public enum Verdict {
    /** Not limited (also: the filter is not enabled for this request). */
    ALLOWED,
    /** Over the limit but not enforced: the request proceeds. */
    LIMITED_NOT_ENFORCED,
    /** Over the limit and enforced: answer {@link #status()} with {@code x-envoy-ratelimited}. */
    LIMITED
  }

  /** Whether this configuration limits anything. */
  public boolean active() {
    return bucket != null || !descriptors.isEmpty();
  }

  /**
   * Envoy's {@code LocalRateLimit::Filter::decodeHeaders}: skip unless {@code filter_enabled}
   * draws true; descriptors produced by the route's rate limit policies (of this stage) that match
   * a configured descriptor must each have a token; the default bucket must have one when no
   * descriptor matched or {@code always_consume_default_token_bucket}. Tokens are consumed only
   * when the request is allowed. Allocation-free unless descriptors are configured.
   *
   * @param policies the route's (else its virtual host's) {@code rate_limits}
   */
  public Verdict decide(RequestView request, String cluster, List<RateLimitPolicy> policies,
      RandomSource random, long nowNanos) {
    if (!active() || !hit(enabledPerMillion, random)) {
      return Verdict.ALLOWED;
    }
    boolean allowed = true;
    boolean matched = false;
    if (!descriptors.isEmpty()) {
      for (int i = 0; i < policies.size() && allowed; i++) {
        RateLimitPolicy p = policies.get(i);
        if (p.stage() != stage) {
          continue;
        }
        List<RateLimitAction.Entry> produced = p.descriptor(request, cluster);
        if (produced == null) {
          continue;
        }
        for (int d = 0; d < descriptors.size(); d++) {
          Descriptor desc = descriptors.get(d);
          if (desc.matches(produced)) {
            matched = true;
            allowed = desc.bucket().tryConsume(nowNanos);
            break;
          }
        }
      }
    }
    if (allowed && bucket != null && (!matched || alwaysConsumeDefaultBucket)) {
      allowed = bucket.tryConsume(nowNanos);
    }
    if (allowed) {
      return Verdict.ALLOWED;
    }
    return hit(enforcedPerMillion, random) ? Verdict.LIMITED : Verdict.LIMITED_NOT_ENFORCED;
  }

  private static boolean hit(int perMillion, RandomSource random) {
    return perMillion >= ALWAYS || (perMillion > 0 && random.nextInt(ALWAYS) < perMillion);
  }

  /** The headers of a rate limited response: {@code x-envoy-ratelimited: true} and the added ones. */
  public List<Header> limitedResponseHeaders() {
    if (responseHeaders.isEmpty()) {
      return RATELIMITED;
    }
    Header[] all = new Header[responseHeaders.size() + 1];
    all[0] = RATELIMITED.get(0);
    for (int i = 0; i < responseHeaders.size(); i++) {
      all[i + 1] = responseHeaders.get(i);
    }
    return List.of(all);
  }

  private static final List<Header> RATELIMITED =
      List.of(new Header("x-envoy-ratelimited", "true"));

  /** Configuration equality (the buckets' settings, not their live tokens). */
  @Override
  public boolean equals(Object o) {
    return o instanceof LocalRateLimit l && statPrefix.equals(l.statPrefix) && status == l.status
        && sameBucket(bucket, l.bucket) && enabledPerMillion == l.enabledPerMillion
        && enforcedPerMillion == l.enforcedPerMillion && responseHeaders.equals(l.responseHeaders)
        && stage == l.stage && alwaysConsumeDefaultBucket == l.alwaysConsumeDefaultBucket
        && descriptors.size() == l.descriptors.size();
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(statPrefix, status, enabledPerMillion, enforcedPerMillion);
  }

  private static boolean sameBucket(TokenBucket a, TokenBucket b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.maxTokens() == b.maxTokens() && a.tokensPerFill() == b.tokensPerFill()
        && a.fillIntervalNanos() == b.fillIntervalNanos();
  }
}
