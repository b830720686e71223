package io.inmesh.xds.resource;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.inmesh.policies.fault.FaultPolicy;
import io.inmesh.policies.header.Header;
import io.inmesh.policies.ratelimit.RateLimitAction;
import io.inmesh.policies.ratelimit.RateLimitPolicy;
import io.inmesh.policies.ratelimit.TokenBucket;
import io.inmesh.policies.route.HeaderMatcher;
import io.inmesh.policies.route.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Route resilience: {@code retry_policy}, {@code rate_limits}, and the fault and local rate limit
 * filters' configs (HTTP connection manager filter or {@code typed_per_filter_config}, plain,
 * inside a {@code FilterConfig}, or in a TypedStruct).
 */
final class RoutePoliciesDecoder {

  static final String FAULT_TYPE = "type.googleapis.com/" + HTTPFault.getDescriptor().getFullName();
  static final String LOCAL_RATE_LIMIT_TYPE = "type.googleapis.com/"
      + LocalRateLimit.getDescriptor().getFullName();
  private static final String FILTER_CONFIG_TYPE = "type.googleapis.com/"
      + FilterConfig.getDescriptor().getFullName();
  static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";

  /** Envoy's lower bound for a local rate limit's {@code fill_interval}. */
  static final Duration MIN_FILL_INTERVAL = Duration.ofMillis(50);

  private RoutePoliciesDecoder() {}

  /**
   * {@code config.route.v3.RetryPolicy}: {@code retry_on} (unknown policies NACK, as Envoy),
   * {@code num_retries} (default 1), {@code per_try_timeout}, {@code retriable_status_codes},
   * {@code retry_back_off} (base must be positive, max at least base; default 25ms / 10 x base),
   * {@code retry_host_predicate} {@code previous_hosts}, {@code host_selection_retry_max_attempts},
   * {@code retriable_headers}, {@code retriable_request_headers}. Ignored (logged nowhere, behaves
   * as without them): {@code retry_priority} (previous_priorities), other host predicates
   * (omit_canary_hosts, omit_host_metadata), {@code per_try_idle_timeout},
   * {@code rate_limited_retry_back_off} (the regular back-off applies),
   * {@code retry_options_predicates}.
   */
  static RetryPolicy retry(io.envoyproxy.envoy.config.route.v3.RetryPolicy p, String where)
      throws ResourceException {
    String at = where + ": retry_policy";
    int retryOn;
    try {
      retryOn = RetryPolicy.parseRetryOn(p.getRetryOn());
    } catch (IllegalArgumentException e) {
      throw new ResourceException(null, at + ": " + e.getMessage());
    }
    int numRetries = p.hasNumRetries() ? p.getNumRetries().getValue() : 1;
    if (numRetries < 0) {
      throw new ResourceException(null, at + ": num_retries out of range");
    }
    Duration perTry = p.hasPerTryTimeout()
        ? duration(p.getPerTryTimeout(), at + ".per_try_timeout") : Duration.ZERO;
    Set<Integer> codes = new HashSet<>();
    for (int c : p.getRetriableStatusCodesList()) {
      codes.add(c);
    }
    Duration base = RetryPolicy.DEFAULT_BASE_INTERVAL;
    Duration max = null;
    if (p.hasRetryBackOff()) {
      var b = p.getRetryBackOff();
      if (!b.hasBaseInterval()) {
        throw new ResourceException(null, at + ".retry_back_off: base_interval is required");
      }
      base = duration(b.getBaseInterval(), at + ".retry_back_off.base_interval");
      if (base.compareTo(Duration.ofMillis(1)) < 0) {
        throw new ResourceException(null, at + ".retry_back_off.base_interval must be at least"
            + " 1ms");
      }
      if (b.hasMaxInterval()) {
        max = duration(b.getMaxInterval(), at + ".retry_back_off.max_interval");
        if (max.compareTo(base) < 0) {
          throw new ResourceException(null, at + ".retry_back_off.max_interval must be at least"
              + " base_interval");
        }
      }
    }
    boolean previousHosts = false;
    for (var pred : p.getRetryHostPredicateList()) {
      boolean named = PREVIOUS_HOSTS.equals(pred.getName());
      boolean typed = pred.hasTypedConfig()
          && pred.getTypedConfig().is(PreviousHostsPredicate.class);
      previousHosts |= named || typed;
    }
    List<HeaderMatcher> retriableHeaders = new ArrayList<>();
    for (var h : p.getRetriableHeadersList()) {
      retriableHeaders.add(HeaderMatcherDecoder.decode(h, at + ".retriable_headers"));
    }
    List<HeaderMatcher> requestHeaders = new ArrayList<>();
    for (var h : p.getRetriableRequestHeadersList()) {
      requestHeaders.add(HeaderMatcherDecoder.decode(h, at + ".retriable_request_headers"));
    }
    long hostAttempts = p.getHostSelectionRetryMaxAttempts();
    return new RetryPolicy(retryOn, numRetries, perTry, codes, retriableHeaders, requestHeaders,
        base, max, previousHosts, (int) Math.min(Math.max(1, hostAttempts), 100));
  }

  /**
   * {@code config.route.v3.RateLimit} list: {@code stage}, actions {@code generic_key},
   * {@code request_headers}, {@code destination_cluster}, {@code remote_address},
   * {@code header_value_match}. Other actions produce no descriptor (the default bucket applies);
   * {@code limit} (dynamic overrides) is ignored.
   */
  static List<RateLimitPolicy> rateLimits(List<RateLimit> list, String where)
      throws ResourceException {
    List<RateLimitPolicy> out = new ArrayList<>();
    for (RateLimit r : list) {
      List<RateLimitAction> actions = new ArrayList<>();
      for (RateLimit.Action a : r.getActionsList()) {
        switch (a.getActionSpecifierCase()) {
          case GENERIC_KEY -> {
            var g = a.getGenericKey();
            actions.add(new RateLimitAction.GenericKey(g.getDescriptorKey().isEmpty()
                ? "generic_key" : g.getDescriptorKey(), g.getDescriptorValue()));
          }
          case REQUEST_HEADERS -> {
            var h = a.getRequestHeaders();
            if (h.getHeaderName().isEmpty() || h.getDescriptorKey().isEmpty()) {
              throw new ResourceException(null, where + ": rate_limits request_headers needs"
                  + " header_name and descriptor_key");
            }
            actions.add(new RateLimitAction.RequestHeader(
                h.getHeaderName().toLowerCase(java.util.Locale.ROOT), h.getDescriptorKey(),
                h.getSkipIfAbsent()));
          }
          case DESTINATION_CLUSTER -> actions.add(new RateLimitAction.DestinationCluster());
          case REMOTE_ADDRESS -> actions.add(new RateLimitAction.RemoteAddress());
          case HEADER_VALUE_MATCH -> {
            var m = a.getHeaderValueMatch();
            List<HeaderMatcher> headers = new ArrayList<>();
            for (var h : m.getHeadersList()) {
              headers.add(HeaderMatcherDecoder.decode(h, where + ": rate_limits"));
            }
            actions.add(new RateLimitAction.HeaderValueMatch(m.getDescriptorKey().isEmpty()
                ? "header_match" : m.getDescriptorKey(), m.getDescriptorValue(),
                !m.hasExpectMatch() || m.getExpectMatch().getValue(), headers));
          }
          default -> actions.add(new RateLimitAction.Unsupported(
              a.getActionSpecifierCase().name()));
        }
      }
      out.add(new RateLimitPolicy(r.hasStage() ? r.getStage().getValue() : 0, actions));
    }
    return out;
  }

  /** The fault and rate limit overrides of one {@code typed_per_filter_config} map. */
  record Overrides(FaultPolicy fault, io.inmesh.policies.ratelimit.LocalRateLimit rateLimit) {}

  static Overrides perFilter(Map<String, Any> perFilter, String where, long nowNanos)
      throws ResourceException {
    FaultPolicy fault = null;
    io.inmesh.policies.ratelimit.LocalRateLimit limit = null;
    for (Map.Entry<String, Any> e : perFilter.entrySet()) {
      String at = where + " typed_per_filter_config '" + e.getKey() + "'";
      Any config = e.getValue();
      boolean disabled = false;
      try {
        if (FILTER_CONFIG_TYPE.equals(config.getTypeUrl())) {
          FilterConfig fc = config.unpack(FilterConfig.class);
          disabled = fc.getDisabled();
          config = fc.getConfig();
        }
        String type = TypedStructs.typeOf(config);
        if (FAULT_TYPE.equals(type)) {
          fault = disabled ? FaultPolicy.NONE
              : fault(TypedStructs.unpack(config, HTTPFault.getDefaultInstance(), at), at);
        } else if (LOCAL_RATE_LIMIT_TYPE.equals(type)) {
          limit = disabled ? io.inmesh.policies.ratelimit.LocalRateLimit.NONE
              : localRateLimit(TypedStructs.unpack(config, LocalRateLimit.getDefaultInstance(),
                  at), at, nowNanos);
        }
      } catch (InvalidProtocolBufferException ex) {
        throw new ResourceException(null, at + ": cannot decode: " + ex.getMessage());
      }
    }
    return new Overrides(fault, limit);
  }

  /**
   * {@code HTTPFault}: {@code delay} ({@code fixed_delay}, {@code header_delay},
   * {@code percentage}), {@code abort} ({@code http_status} 200..599, {@code grpc_status},
   * {@code header_abort}, {@code percentage}), {@code upstream_cluster}, {@code headers},
   * {@code downstream_nodes}, {@code max_active_faults}. NACK: {@code response_rate_limit}
   * (bandwidth limits are not applied). Ignored: the {@code *_runtime} keys (no runtime),
   * {@code disable_downstream_cluster_stats}, {@code filter_metadata}.
   */
  static FaultPolicy fault(HTTPFault f, String where) throws ResourceException {
    if (f.hasResponseRateLimit()) {
      throw new ResourceException(null, where + ": fault response_rate_limit is not supported");
    }
    FaultPolicy.Delay delay = null;
    if (f.hasDelay()) {
      FaultDelay d = f.getDelay();
      int pct = perMillion(d.getPercentage(), where + ": delay percentage");
      switch (d.getFaultDelaySecifierCase()) {
        case FIXED_DELAY -> delay = new FaultPolicy.Delay(duration(d.getFixedDelay(),
            where + ": fixed_delay"), pct);
        case HEADER_DELAY -> delay = new FaultPolicy.Delay(null, pct);
        default -> throw new ResourceException(null, where + ": delay needs fixed_delay or"
            + " header_delay");
      }
    }
    FaultPolicy.Abort abort = null;
    if (f.hasAbort()) {
      FaultAbort a = f.getAbort();
      int pct = perMillion(a.getPercentage(), where + ": abort percentage");
      switch (a.getErrorTypeCase()) {
        case HTTP_STATUS -> {
          if (a.getHttpStatus() < 200 || a.getHttpStatus() >= 600) {
            throw new ResourceException(null, where + ": abort http_status " + a.getHttpStatus()
                + " outside 200..599");
          }
          abort = new FaultPolicy.Abort(a.getHttpStatus(), -1, false, pct);
        }
        case GRPC_STATUS -> abort = new FaultPolicy.Abort(0, a.getGrpcStatus(), false, pct);
        case HEADER_ABORT -> abort = new FaultPolicy.Abort(0, -1, true, pct);
        default -> throw new ResourceException(null, where + ": abort needs http_status,"
            + " grpc_status or header_abort");
      }
    }
    List<HeaderMatcher> headers = new ArrayList<>();
    for (var h : f.getHeadersList()) {
      headers.add(HeaderMatcherDecoder.decode(h, where + ": fault headers"));
    }
    return new FaultPolicy(delay, abort, f.getUpstreamCluster(), headers,
        f.getDownstreamNodesList(), f.hasMaxActiveFaults()
            ? Integer.toUnsignedLong(f.getMaxActiveFaults().getValue()) : -1);
  }

  /**
   * {@code LocalRateLimit}: {@code stat_prefix}, {@code status} (default 429, must be 400 or
   * above), {@code token_bucket} ({@code max_tokens} > 0, {@code tokens_per_fill} default 1,
   * {@code fill_interval} at least 50ms), {@code filter_enabled} / {@code filter_enforced}
   * (default values; 0% when unset, as Envoy), {@code response_headers_to_add},
   * {@code descriptors}, {@code stage}, {@code always_consume_default_token_bucket}. NACK:
   * {@code local_cluster_rate_limit}. Ignored: {@code local_rate_limit_per_downstream_connection}
   * (one process is one "connection owner"), {@code request_headers_to_add_when_not_enforced},
   * {@code enable_x_ratelimit_headers}, {@code vh_rate_limits}, {@code rate_limits} (the
   * filter's own; the route's are read), {@code rate_limited_as_resource_exhausted}.
   *
   * @param nowNanos the clock reading the new buckets start from
   */
  static io.inmesh.policies.ratelimit.LocalRateLimit localRateLimit(LocalRateLimit l,
      String where, long nowNanos) throws ResourceException {
    if (l.hasLocalClusterRateLimit()) {
      throw new ResourceException(null, where + ": local_cluster_rate_limit is not supported");
    }
    int status = 429;
    if (l.hasStatus() && l.getStatus().getCodeValue() != 0) {
      status = l.getStatus().getCodeValue();
      if (status < 400 || status > 599) {
        throw new ResourceException(null, where + ": local rate limit status " + status
            + " must be 400..599");
      }
    }
    TokenBucket bucket = l.hasTokenBucket() ? bucket(l.getTokenBucket(), where, nowNanos) : null;
    List<Header> headers = new ArrayList<>();
    for (HeaderValueOption h : l.getResponseHeadersToAddList()) {
      headers.add(new Header(h.getHeader().getKey().toLowerCase(java.util.Locale.ROOT),
          h.getHeader().getValue()));
    }
    List<io.inmesh.policies.ratelimit.LocalRateLimit.Descriptor> descriptors = new ArrayList<>();
    for (var d : l.getDescriptorsList()) {
      List<RateLimitAction.Entry> entries = new ArrayList<>();
      for (var e : d.getEntriesList()) {
        entries.add(new RateLimitAction.Entry(e.getKey(), e.getValue()));
      }
      if (entries.isEmpty() || !d.hasTokenBucket()) {
        throw new ResourceException(null, where + ": a descriptor needs entries and a"
            + " token_bucket");
      }
      descriptors.add(new io.inmesh.policies.ratelimit.LocalRateLimit.Descriptor(entries,
          bucket(d.getTokenBucket(), where, nowNanos)));
    }
    if (!descriptors.isEmpty() && bucket == null) {
      throw new ResourceException(null, where + ": descriptors need a default token_bucket");
    }
    int enabled = l.hasFilterEnabled()
        ? RouteConfigResourceType.perMillion(l.getFilterEnabled(), where + ": filter_enabled")
        : 0;
    int enforced = l.hasFilterEnforced()
        ? RouteConfigResourceType.perMillion(l.getFilterEnforced(), where + ": filter_enforced")
        : 0;
    return new io.inmesh.policies.ratelimit.LocalRateLimit(l.getStatPrefix(), status, bucket,
        enabled, enforced, headers, descriptors, l.getStage(),
        !l.hasAlwaysConsumeDefaultTokenBucket() || l.getAlwaysConsumeDefaultTokenBucket()
            .getValue());
  }

  static TokenBucket bucket(io.envoyproxy.envoy.type.v3.TokenBucket b, String where,
      long nowNanos) throws ResourceException {
    if (b.getMaxTokens() == 0) {
      throw new ResourceException(null, where + ": token_bucket max_tokens must be positive");
    }
    if (!b.hasFillInterval()) {
      throw new ResourceException(null, where + ": token_bucket fill_interval is required");
    }
    Duration fill = duration(b.getFillInterval(), where + ": fill_interval");
    if (fill.compareTo(MIN_FILL_INTERVAL) < 0) {
      throw new ResourceException(null, where + ": token_bucket fill_interval must be at least"
          + " 50ms");
    }
    long perFill = b.hasTokensPerFill() ? Integer.toUnsignedLong(b.getTokensPerFill().getValue())
        : 1;
    if (perFill == 0) {
      throw new ResourceException(null, where + ": token_bucket tokens_per_fill must be"
          + " positive");
    }
    return new TokenBucket(Integer.toUnsignedLong(b.getMaxTokens()), perFill, fill.toNanos(),
        nowNanos);
  }

  /** A {@code FractionalPercent} in parts per million, capped at 100%. */
  static int perMillion(FractionalPercent f, String where) throws ResourceException {
    long scale = switch (f.getDenominator()) {
      case HUNDRED -> 10_000;
      case TEN_THOUSAND -> 100;
      case MILLION -> 1;
      default -> throw new ResourceException(null, where + ": unknown denominator "
          + f.getDenominator());
    };
    return (int) Math.min(1_000_000, Integer.toUnsignedLong(f.getNumerator()) * scale);
  }

  static Duration duration(com.google.protobuf.Duration d, String where)
      throws ResourceException {
    if (d.getSeconds() < 0 || d.getNanos() < 0 || d.getNanos() >= 1_000_000_000
        || d.getSeconds() > 315_576_000_000L) {
      throw new ResourceException(null, where + " is not a valid non-negative duration");
    }
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }
}
