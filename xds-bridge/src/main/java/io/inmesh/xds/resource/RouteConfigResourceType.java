package io.inmesh.xds.resource;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.inmesh.policies.header.HeaderMutations;
import io.inmesh.policies.route.ClusterSpecifier;
import io.inmesh.policies.route.HashPolicy;
import io.inmesh.policies.route.HeaderMatcher;
import io.inmesh.policies.route.HostRewrite;
import io.inmesh.policies.route.PathMatcher;
import io.inmesh.policies.route.PathRewrite;
import io.inmesh.policies.route.QueryParameterMatcher;
import io.inmesh.policies.route.RequestMirrorPolicy;
import io.inmesh.policies.route.Rewrites;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteAction;
import io.inmesh.policies.fault.FaultPolicy;
import io.inmesh.policies.ratelimit.LocalRateLimit;
import io.inmesh.policies.ratelimit.RateLimitPolicy;
import io.inmesh.policies.route.RetryPolicy;
import io.inmesh.policies.route.RouteMatch;
import io.inmesh.policies.route.RoutePolicies;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.SessionAffinity;
import io.inmesh.policies.route.VirtualHost;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * RDS: {@code envoy.config.route.v3.RouteConfiguration} to a {@link RouteTable}, everything
 * precompiled (regexes, lower-cased names, merged header mutations).
 *
 * <p>Implemented: see {@link #parseConfig}. Unsupported fields are NACKed with the field named
 * rather than ignored when ignoring them would route differently from Envoy; fields that only feed
 * other features (retries, rate limits, CORS, tracing, stats, per-filter configs other than
 * stateful session) are left to those features.
 */
public final class RouteConfigResourceType extends ResourceType<RouteConfiguration,
    RouteConfigUpdate> {

  public static final String TYPE_URL =
      "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

  /** Envoy's default {@code max_direct_response_body_size_bytes}. */
  static final int DEFAULT_MAX_DIRECT_BODY = 4096;

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public String shortName() {
    return "RDS";
  }

  @Override
  public boolean absentMeansDeleted() {
    return false;
  }

  @Override
  protected Class<RouteConfiguration> protoClass() {
    return RouteConfiguration.class;
  }

  @Override
  protected String nameOf(RouteConfiguration proto) {
    return proto.getName();
  }

  @Override
  protected RouteConfigUpdate parse(RouteConfiguration proto) throws ResourceException {
    return parseConfig(proto);
  }

  /**
   * Also used for a listener's inline {@code route_config}.
   *
   * <p>RouteConfiguration: {@code virtual_hosts}; {@code request/response_headers_to_add/remove};
   * {@code most_specific_header_mutations_wins}; {@code request_mirror_policies};
   * {@code ignore_port_in_host_matching}; {@code max_direct_response_body_size_bytes};
   * {@code typed_per_filter_config} (stateful session). NACK: {@code vhds},
   * {@code ignore_path_parameters_in_path_matching}. Ignored: {@code internal_only_headers} (the
   * application is an internal client), {@code validate_clusters}, {@code metadata},
   * {@code cluster_specifier_plugins} (a route naming one is NACKed).
   */
  static RouteConfigUpdate parseConfig(RouteConfiguration proto) throws ResourceException {
    if (proto.hasVhds()) {
      throw new ResourceException(null, "vhds is not supported");
    }
    if (proto.getIgnorePathParametersInPathMatching()) {
      throw new ResourceException(null, "ignore_path_parameters_in_path_matching is not"
          + " supported");
    }
    RoutePoliciesDecoder.Overrides configOverrides = RoutePoliciesDecoder.perFilter(
        proto.getTypedPerFilterConfigMap(), "route configuration", System.nanoTime());
    Level config = new Level(HeaderOptionsDecoder.level(proto.getRequestHeadersToAddList(),
        proto.getRequestHeadersToRemoveList(), "route configuration"),
        HeaderOptionsDecoder.level(proto.getResponseHeadersToAddList(),
            proto.getResponseHeadersToRemoveList(), "route configuration"),
        mirrors(proto.getRequestMirrorPoliciesList(), "route configuration"),
        StatefulSessionDecoder.perRoute(proto.getTypedPerFilterConfigMap(),
            "route configuration"), configOverrides.fault(), configOverrides.rateLimit(), null,
        List.of());
    int maxBody = proto.hasMaxDirectResponseBodySizeBytes()
        ? proto.getMaxDirectResponseBodySizeBytes().getValue() : DEFAULT_MAX_DIRECT_BODY;
    Context ctx = new Context(proto.getMostSpecificHeaderMutationsWins(), maxBody);
    List<VirtualHost> hosts = new ArrayList<>();
    Set<String> clusters = new LinkedHashSet<>();
    for (io.envoyproxy.envoy.config.route.v3.VirtualHost vh : proto.getVirtualHostsList()) {
      hosts.add(parseVirtualHost(vh, config, ctx, clusters));
    }
    return new RouteConfigUpdate(new RouteTable(proto.getName(), hosts,
        proto.getIgnorePortInHostMatching(), null), clusters, List.of());
  }

  /** Settings of the whole route configuration. */
  private record Context(boolean mostSpecificWins, int maxDirectBody) {}

  /** What one level (configuration, virtual host) contributes to the routes below it. */
  private record Level(List<HeaderMutations.Operation> request,
      List<HeaderMutations.Operation> response, List<RequestMirrorPolicy> mirrors,
      SessionAffinity.Override session, FaultPolicy fault, LocalRateLimit rateLimit,
      RetryPolicy retry, List<RateLimitPolicy> rateLimits) {}

  /**
   * VirtualHost: {@code domains}, {@code routes}, {@code require_tls} (ALL redirects plain http
   * with 301; EXTERNAL_ONLY is NONE for an internal client), header mutations,
   * {@code request_mirror_policies}, {@code typed_per_filter_config} (stateful session). NACK:
   * {@code matcher}. Ignored here: {@code retry_policy}, {@code hedge_policy},
   * {@code rate_limits}, {@code cors}, {@code virtual_clusters},
   * {@code include_request_attempt_count} (retry_policy, rate_limits and the fault / local rate
   * limit {@code typed_per_filter_config} are read: see {@link RoutePoliciesDecoder}), {@code include_attempt_count_in_response},
   * {@code per_request_buffer_limit_bytes}, {@code metadata}.
   */
  private static VirtualHost parseVirtualHost(io.envoyproxy.envoy.config.route.v3.VirtualHost vh,
      Level config, Context ctx, Set<String> clusters) throws ResourceException {
    String vhWhere = "virtual host '" + vh.getName() + "'";
    if (vh.hasMatcher()) {
      throw new ResourceException(null, vhWhere + ": matcher (the xDS matcher tree) is not"
          + " supported");
    }
    List<RequestMirrorPolicy> vhMirrors = mirrors(vh.getRequestMirrorPoliciesList(), vhWhere);
    SessionAffinity.Override vhSession = StatefulSessionDecoder.perRoute(
        vh.getTypedPerFilterConfigMap(), vhWhere);
    RoutePoliciesDecoder.Overrides vhOverrides = RoutePoliciesDecoder.perFilter(
        vh.getTypedPerFilterConfigMap(), vhWhere, System.nanoTime());
    Level host = new Level(HeaderOptionsDecoder.level(vh.getRequestHeadersToAddList(),
        vh.getRequestHeadersToRemoveList(), vhWhere),
        HeaderOptionsDecoder.level(vh.getResponseHeadersToAddList(),
            vh.getResponseHeadersToRemoveList(), vhWhere),
        vhMirrors.isEmpty() ? config.mirrors() : vhMirrors,
        vhSession != null ? vhSession : config.session(),
        vhOverrides.fault() != null ? vhOverrides.fault() : config.fault(),
        vhOverrides.rateLimit() != null ? vhOverrides.rateLimit() : config.rateLimit(),
        vh.hasRetryPolicy() ? RoutePoliciesDecoder.retry(vh.getRetryPolicy(), vhWhere) : null,
        RoutePoliciesDecoder.rateLimits(vh.getRateLimitsList(), vhWhere));
    List<Route> routes = new ArrayList<>();
    for (io.envoyproxy.envoy.config.route.v3.Route r : vh.getRoutesList()) {
      String where = vhWhere + " route '" + r.getName() + "'";
      routes.add(parseRoute(r, where, config, host, ctx, clusters));
    }
    boolean requireTls = vh.getRequireTls()
        == io.envoyproxy.envoy.config.route.v3.VirtualHost.TlsRequirementType.ALL;
    // Interned: the name table and other virtual hosts' names repeat the domains.
    List<String> domains = new ArrayList<>(vh.getDomainsCount());
    for (String domain : vh.getDomainsList()) {
      domains.add(Names.intern(domain));
    }
    return new VirtualHost(Names.intern(vh.getName()), domains, routes, requireTls);
  }

  /**
   * Route: {@code match}, {@code route}, {@code redirect}, {@code direct_response}, header
   * mutations, {@code typed_per_filter_config} (stateful session). NACK: {@code filter_action},
   * {@code non_forwarding_action} (server-side only). Ignored: {@code decorator},
   * {@code tracing}, {@code metadata}, {@code per_request_buffer_limit_bytes},
   * {@code stat_prefix}.
   */
  private static Route parseRoute(io.envoyproxy.envoy.config.route.v3.Route r, String where,
      Level config, Level host, Context ctx, Set<String> clusters) throws ResourceException {
    RouteMatch match = parseMatch(r.getMatch(), where);
    List<HeaderMutations.Operation> routeRequest = HeaderOptionsDecoder.level(
        r.getRequestHeadersToAddList(), r.getRequestHeadersToRemoveList(), where);
    List<HeaderMutations.Operation> routeResponse = HeaderOptionsDecoder.level(
        r.getResponseHeadersToAddList(), r.getResponseHeadersToRemoveList(), where);
    HeaderMutations requestHeaders = HeaderOptionsDecoder.merge(ctx.mostSpecificWins(),
        routeRequest, host.request(), config.request());
    HeaderMutations responseHeaders = HeaderOptionsDecoder.merge(ctx.mostSpecificWins(),
        routeResponse, host.response(), config.response());
    SessionAffinity.Override session = StatefulSessionDecoder.perRoute(
        r.getTypedPerFilterConfigMap(), where);
    if (session == null) {
      session = host.session();
    }
    RouteAction action;
    switch (r.getActionCase()) {
      case ROUTE:
        action = parseForward(r.getRoute(), where, config, host, ctx, routeRequest,
            routeResponse, clusters);
        break;
      case REDIRECT:
        action = parseRedirect(r.getRedirect(), where, match);
        break;
      case DIRECT_RESPONSE:
        action = parseDirect(r.getDirectResponse(), where, ctx);
        break;
      default:
        throw new ResourceException(null, where + ": action " + r.getActionCase()
            + " is not supported (route, redirect, direct_response)");
    }
    RoutePoliciesDecoder.Overrides overrides = RoutePoliciesDecoder.perFilter(
        r.getTypedPerFilterConfigMap(), where, System.nanoTime());
    RetryPolicy retry = host.retry();
    List<RateLimitPolicy> rateLimits = host.rateLimits();
    if (r.hasRoute()) {
      if (r.getRoute().hasRetryPolicy()) {
        retry = RoutePoliciesDecoder.retry(r.getRoute().getRetryPolicy(), where);
      }
      if (r.getRoute().getRateLimitsCount() > 0) {
        rateLimits = RoutePoliciesDecoder.rateLimits(r.getRoute().getRateLimitsList(), where);
      }
    }
    RoutePolicies policies = new RoutePolicies(retry,
        overrides.fault() != null ? overrides.fault() : host.fault(),
        overrides.rateLimit() != null ? overrides.rateLimit() : host.rateLimit(), rateLimits);
    return new Route(Names.intern(r.getName()), match, action, requestHeaders, responseHeaders,
        session, policies);
  }

  /**
   * RouteMatch: {@code prefix}, {@code path}, {@code safe_regex}, {@code path_separated_prefix},
   * {@code case_sensitive}, {@code runtime_fraction} (its default value; drawn per request),
   * {@code headers}, {@code query_parameters}, {@code grpc} (content-type application/grpc*).
   * NACK: {@code connect_matcher}, {@code path_match_policy}, {@code tls_context},
   * {@code dynamic_metadata}, {@code filter_state}.
   */
  private static RouteMatch parseMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch m,
      String where) throws ResourceException {
    // RouteMatch.case_sensitive defaults to true; it does not apply to safe_regex.
    boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
    PathMatcher path;
    switch (m.getPathSpecifierCase()) {
      case PREFIX:
        path = new PathMatcher.Prefix(Names.intern(m.getPrefix()), caseSensitive);
        break;
      case PATH:
        path = new PathMatcher.Exact(m.getPath(), caseSensitive);
        break;
      case SAFE_REGEX:
        path = new PathMatcher.Regex(Re2.compile(m.getSafeRegex(), false, where));
        break;
      case PATH_SEPARATED_PREFIX:
        String p = m.getPathSeparatedPrefix();
        if (p.isEmpty() || p.endsWith("/") || p.indexOf('?') >= 0 || p.indexOf('#') >= 0) {
          throw new ResourceException(null, where + ": path_separated_prefix '" + p
              + "' must be non-empty, without '?' or '#', and not end with '/'");
        }
        path = new PathMatcher.PathSeparatedPrefix(p, caseSensitive);
        break;
      default:
        throw new ResourceException(null, where + ": path match " + m.getPathSpecifierCase()
            + " is not supported");
    }
    if (m.hasTlsContext() || m.getDynamicMetadataCount() > 0 || m.getFilterStateCount() > 0) {
      throw new ResourceException(null, where + ": tls_context, dynamic_metadata and"
          + " filter_state matchers are not supported");
    }
    List<HeaderMatcher> headers = new ArrayList<>();
    for (io.envoyproxy.envoy.config.route.v3.HeaderMatcher h : m.getHeadersList()) {
      headers.add(HeaderMatcherDecoder.decode(h, where));
    }
    if (m.hasGrpc()) {
      // Envoy: content-type application/grpc, optionally followed by '+' or ';'.
      headers.add(HeaderMatcher.ofRegex("content-type",
          com.google.re2j.Pattern.compile("application/grpc([+;].*)?"), false));
    }
    List<QueryParameterMatcher> query = new ArrayList<>();
    for (io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher q
        : m.getQueryParametersList()) {
      String at = where + " query parameter '" + q.getName() + "'";
      if (q.getName().isEmpty()) {
        throw new ResourceException(null, where + ": query parameter matcher without a name");
      }
      switch (q.getQueryParameterMatchSpecifierCase()) {
        case STRING_MATCH:
          query.add(new QueryParameterMatcher(q.getName(),
              HeaderMatcherDecoder.stringMatch(q.getStringMatch(), at)));
          break;
        case PRESENT_MATCH:
          query.add(QueryParameterMatcher.present(q.getName()));
          break;
        default:
          throw new ResourceException(null, at + ": needs string_match or present_match");
      }
    }
    int fraction = RouteMatch.ALWAYS;
    if (m.hasRuntimeFraction()) {
      fraction = perMillion(m.getRuntimeFraction(), where + ": runtime_fraction");
    }
    return new RouteMatch(path, headers, query, fraction);
  }

  /** {@code RuntimeFractionalPercent.default_value} in parts per million (the runtime is empty). */
  static int perMillion(RuntimeFractionalPercent fraction, String where)
      throws ResourceException {
    FractionalPercent f = fraction.getDefaultValue();
    long scale = switch (f.getDenominator()) {
      case HUNDRED -> 10_000;
      case TEN_THOUSAND -> 100;
      case MILLION -> 1;
      default -> throw new ResourceException(null, where + ": unknown denominator "
          + f.getDenominator());
    };
    long v = Integer.toUnsignedLong(f.getNumerator()) * scale;
    return (int) Math.min(RouteMatch.ALWAYS, v);
  }

  /**
   * RouteAction: {@code cluster}, {@code weighted_clusters} (with per-cluster header mutations
   * and {@code host_rewrite_literal}), {@code cluster_header}, {@code prefix_rewrite},
   * {@code regex_rewrite}, {@code host_rewrite_literal}, {@code auto_host_rewrite},
   * {@code host_rewrite_header}, {@code host_rewrite_path_regex}, {@code timeout},
   * {@code max_stream_duration.max_stream_duration}, {@code request_mirror_policies},
   * {@code hash_policy}, {@code cluster_not_found_response_code}, {@code retry_policy} and
   * {@code rate_limits} ({@link RoutePoliciesDecoder}). NACK:
   * {@code cluster_specifier_plugin}, {@code inline_cluster_specifier_plugin},
   * {@code path_rewrite_policy}, {@code internal_redirect_policy}, weighted
   * {@code cluster_header}, hash policy {@code filter_state}. Ignored here:
   * {@code hedge_policy}, {@code retry_policy_typed_config}, {@code cors}, {@code idle_timeout},
   * {@code max_stream_duration.grpc_timeout_header_max/offset}, {@code metadata_match},
   * {@code priority}, {@code upgrade_configs}, {@code append_x_forwarded_host},
   * {@code early_data_policy}, weighted {@code total_weight} and {@code runtime_key_prefix} (as
   * gRPC).
   */
  private static RouteAction parseForward(io.envoyproxy.envoy.config.route.v3.RouteAction a,
      String where, Level config, Level host, Context ctx,
      List<HeaderMutations.Operation> routeRequest,
      List<HeaderMutations.Operation> routeResponse, Set<String> clusters)
      throws ResourceException {
    ClusterSpecifier spec;
    switch (a.getClusterSpecifierCase()) {
      case CLUSTER:
        if (a.getCluster().isEmpty()) {
          throw new ResourceException(null, where + ": empty cluster name");
        }
        spec = new ClusterSpecifier.ToCluster(Names.intern(a.getCluster()));
        clusters.add(a.getCluster());
        break;
      case WEIGHTED_CLUSTERS:
        spec = parseWeighted(a.getWeightedClusters(), where, config, host, ctx, routeRequest,
            routeResponse, clusters);
        break;
      case CLUSTER_HEADER:
        if (a.getClusterHeader().isEmpty()) {
          throw new ResourceException(null, where + ": empty cluster_header");
        }
        spec = new ClusterSpecifier.ClusterHeader(a.getClusterHeader());
        break;
      default:
        throw new ResourceException(null, where + ": cluster specifier "
            + a.getClusterSpecifierCase() + " is not supported");
    }
    if (a.hasPathRewritePolicy()) {
      throw new ResourceException(null, where + ": path_rewrite_policy is not supported");
    }
    if (a.hasInternalRedirectPolicy()) {
      throw new ResourceException(null, where + ": internal_redirect_policy is not supported");
    }
    PathRewrite pathRewrite = pathRewrite(a.getPrefixRewrite(), a.hasRegexRewrite()
        ? a.getRegexRewrite() : null, where);
    HostRewrite hostRewrite = switch (a.getHostRewriteSpecifierCase()) {
      case HOST_REWRITE_LITERAL -> new HostRewrite.Literal(a.getHostRewriteLiteral());
      case AUTO_HOST_REWRITE -> a.getAutoHostRewrite().getValue() ? new HostRewrite.Auto() : null;
      case HOST_REWRITE_HEADER -> new HostRewrite.FromHeader(a.getHostRewriteHeader());
      case HOST_REWRITE_PATH_REGEX -> {
        RegexMatchAndSubstitute rs = a.getHostRewritePathRegex();
        yield new HostRewrite.PathRegex(Re2.compile(rs.getPattern(), false, where),
            substitution(rs.getSubstitution(), where));
      }
      default -> null;
    };
    List<HashPolicy> hash = new ArrayList<>();
    for (var h : a.getHashPolicyList()) {
      hash.add(hashPolicy(h, where));
    }
    List<RequestMirrorPolicy> mirrors = mirrors(a.getRequestMirrorPoliciesList(), where);
    if (mirrors.isEmpty()) {
      mirrors = host.mirrors();
    }
    for (RequestMirrorPolicy m : mirrors) {
      clusters.add(m.cluster());
    }
    Duration timeout = a.hasTimeout() ? duration(a.getTimeout(), where + ": timeout")
        : RouteAction.DEFAULT_TIMEOUT;
    Duration maxStream = a.hasMaxStreamDuration()
        && a.getMaxStreamDuration().hasMaxStreamDuration()
        ? duration(a.getMaxStreamDuration().getMaxStreamDuration(), where
            + ": max_stream_duration") : Duration.ZERO;
    int notFound = switch (a.getClusterNotFoundResponseCode()) {
      case NOT_FOUND -> 404;
      case INTERNAL_SERVER_ERROR -> 500;
      default -> 503;
    };
    return new RouteAction.Forward(spec, pathRewrite, hostRewrite, hash, mirrors, timeout,
        maxStream, notFound);
  }

  private static Duration duration(com.google.protobuf.Duration d, String where)
      throws ResourceException {
    boolean valid = d.getSeconds() >= 0 && d.getNanos() >= 0 && d.getNanos() < 1_000_000_000
        && d.getSeconds() <= 315_576_000_000L;
    if (!valid) {
      throw new ResourceException(null, where + " is not a valid non-negative duration");
    }
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  private static PathRewrite pathRewrite(String prefix, RegexMatchAndSubstitute regex,
      String where) throws ResourceException {
    if (!prefix.isEmpty() && regex != null) {
      throw new ResourceException(null, where + ": only one of prefix_rewrite and regex_rewrite"
          + " may be set");
    }
    if (!prefix.isEmpty()) {
      return new PathRewrite.Prefix(prefix);
    }
    if (regex != null) {
      return new PathRewrite.Regex(Re2.compile(regex.getPattern(), false, where),
          substitution(regex.getSubstitution(), where));
    }
    return null;
  }

  private static String substitution(String envoy, String where) throws ResourceException {
    try {
      return Rewrites.re2jReplacement(envoy);
    } catch (IllegalArgumentException e) {
      throw new ResourceException(null, where + ": " + e.getMessage());
    }
  }

  private static HashPolicy hashPolicy(
      io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy h, String where)
      throws ResourceException {
    boolean terminal = h.getTerminal();
    switch (h.getPolicySpecifierCase()) {
      case HEADER: {
        var header = h.getHeader();
        if (header.getHeaderName().isEmpty()) {
          throw new ResourceException(null, where + ": hash_policy header without a name");
        }
        if (header.hasRegexRewrite()) {
          return new HashPolicy.Header(header.getHeaderName(),
              Re2.compile(header.getRegexRewrite().getPattern(), false, where),
              substitution(header.getRegexRewrite().getSubstitution(), where), terminal);
        }
        return new HashPolicy.Header(header.getHeaderName(), null, null, terminal);
      }
      case COOKIE: {
        var c = h.getCookie();
        if (c.getName().isEmpty()) {
          throw new ResourceException(null, where + ": hash_policy cookie without a name");
        }
        List<String> attributes = new ArrayList<>();
        for (var attr : c.getAttributesList()) {
          attributes.add(attr.getValue().isEmpty() ? attr.getName()
              : attr.getName() + "=" + attr.getValue());
        }
        Duration ttl = c.hasTtl() ? duration(c.getTtl(), where + ": cookie ttl") : null;
        return new HashPolicy.Cookie(c.getName(), ttl, c.getPath(), attributes, terminal);
      }
      case CONNECTION_PROPERTIES:
        if (!h.getConnectionProperties().getSourceIp()) {
          throw new ResourceException(null, where + ": hash_policy connection_properties"
              + " without source_ip");
        }
        return new HashPolicy.SourceIp(terminal);
      case QUERY_PARAMETER:
        if (h.getQueryParameter().getName().isEmpty()) {
          throw new ResourceException(null, where + ": hash_policy query_parameter without a"
              + " name");
        }
        return new HashPolicy.QueryParameter(h.getQueryParameter().getName(), terminal);
      default:
        throw new ResourceException(null, where + ": hash_policy " + h.getPolicySpecifierCase()
            + " is not supported");
    }
  }

  private static List<RequestMirrorPolicy> mirrors(
      List<io.envoyproxy.envoy.config.route.v3.RouteAction.RequestMirrorPolicy> list,
      String where) throws ResourceException {
    List<RequestMirrorPolicy> out = new ArrayList<>();
    for (var m : list) {
      if (m.getCluster().isEmpty()) {
        throw new ResourceException(null, where + ": request mirror policy needs a cluster"
            + " (cluster_header is not supported)");
      }
      int fraction = m.hasRuntimeFraction()
          ? perMillion(m.getRuntimeFraction(), where + ": mirror runtime_fraction")
          : RouteMatch.ALWAYS;
      out.add(new RequestMirrorPolicy(Names.intern(m.getCluster()), fraction,
          !m.getDisableShadowHostSuffixAppend()));
    }
    return out;
  }

  private static ClusterSpecifier parseWeighted(
      io.envoyproxy.envoy.config.route.v3.WeightedCluster weighted, String where, Level config,
      Level host, Context ctx, List<HeaderMutations.Operation> routeRequest,
      List<HeaderMutations.Operation> routeResponse, Set<String> clusters)
      throws ResourceException {
    List<ClusterSpecifier.WeightedCluster> list = new ArrayList<>();
    long total = 0;
    for (io.envoyproxy.envoy.config.route.v3.WeightedCluster.ClusterWeight c
        : weighted.getClustersList()) {
      if (!c.getClusterHeader().isEmpty()) {
        throw new ResourceException(null, where + ": weighted cluster_header is not supported");
      }
      if (c.getName().isEmpty()) {
        throw new ResourceException(null, where + ": weighted cluster without a name");
      }
      String at = where + " weighted cluster '" + c.getName() + "'";
      // ClusterWeight.weight is a UInt32Value: read it unsigned.
      long weight = Integer.toUnsignedLong(c.getWeight().getValue());
      total += weight;
      List<HeaderMutations.Operation> req = HeaderOptionsDecoder.level(
          c.getRequestHeadersToAddList(), c.getRequestHeadersToRemoveList(), at);
      List<HeaderMutations.Operation> resp = HeaderOptionsDecoder.level(
          c.getResponseHeadersToAddList(), c.getResponseHeadersToRemoveList(), at);
      HeaderMutations reqMerged = req.isEmpty() ? null : HeaderOptionsDecoder.merge(
          ctx.mostSpecificWins(), req, routeRequest, host.request(), config.request());
      HeaderMutations respMerged = resp.isEmpty() ? null : HeaderOptionsDecoder.merge(
          ctx.mostSpecificWins(), resp, routeResponse, host.response(), config.response());
      String hostRewrite = c.getHostRewriteLiteral().isEmpty() ? null
          : c.getHostRewriteLiteral();
      list.add(new ClusterSpecifier.WeightedCluster(Names.intern(c.getName()), weight, reqMerged,
          respMerged, hostRewrite));
      if (weight > 0) {
        clusters.add(c.getName());
      }
    }
    if (list.isEmpty()) {
      throw new ResourceException(null, where + ": weighted_clusters has no clusters");
    }
    // gRPC rejects a zero sum and one above uint32 max (gRFC A28).
    if (total <= 0) {
      throw new ResourceException(null, where + ": weighted_clusters weights sum to 0");
    }
    if (total > 0xFFFF_FFFFL) {
      throw new ResourceException(null, where + ": weighted_clusters weights sum to " + total
          + ", above uint32 max");
    }
    return ClusterSpecifier.WeightedClusters.of(list);
  }

  /**
   * RedirectAction: {@code https_redirect}, {@code scheme_redirect}, {@code host_redirect},
   * {@code port_redirect}, {@code path_redirect}, {@code prefix_rewrite}, {@code regex_rewrite},
   * {@code response_code}, {@code strip_query}.
   */
  private static RouteAction parseRedirect(RedirectAction r, String where, RouteMatch match)
      throws ResourceException {
    String scheme = switch (r.getSchemeRewriteSpecifierCase()) {
      case HTTPS_REDIRECT -> r.getHttpsRedirect() ? "https" : null;
      case SCHEME_REDIRECT -> r.getSchemeRedirect().isEmpty() ? null
          : r.getSchemeRedirect().toLowerCase(java.util.Locale.ROOT);
      default -> null;
    };
    String path = null;
    PathRewrite rewrite = null;
    switch (r.getPathRewriteSpecifierCase()) {
      case PATH_REDIRECT -> path = r.getPathRedirect().isEmpty() ? null : r.getPathRedirect();
      case PREFIX_REWRITE -> rewrite = pathRewrite(r.getPrefixRewrite(), null, where);
      case REGEX_REWRITE -> rewrite = pathRewrite("", r.getRegexRewrite(), where);
      default -> { }
    }
    if (r.getPortRedirect() > 65535) {
      throw new ResourceException(null, where + ": port_redirect " + r.getPortRedirect());
    }
    int status = switch (r.getResponseCode()) {
      case MOVED_PERMANENTLY -> 301;
      case FOUND -> 302;
      case SEE_OTHER -> 303;
      case TEMPORARY_REDIRECT -> 307;
      case PERMANENT_REDIRECT -> 308;
      default -> throw new ResourceException(null, where + ": redirect response_code "
          + r.getResponseCodeValue() + " is not defined");
    };
    return new RouteAction.Redirect(scheme, r.getHostRedirect().isEmpty() ? null
        : r.getHostRedirect(), r.getPortRedirect(), path, rewrite, status, r.getStripQuery());
  }

  /** DirectResponseAction: {@code status} (200..599), {@code body} inline only. */
  private static RouteAction parseDirect(
      io.envoyproxy.envoy.config.route.v3.DirectResponseAction d, String where, Context ctx)
      throws ResourceException {
    if (d.getStatus() < 200 || d.getStatus() > 599) {
      throw new ResourceException(null, where + ": direct_response status " + d.getStatus()
          + " is outside 200..599");
    }
    String body = "";
    if (d.hasBody()) {
      DataSource b = d.getBody();
      byte[] bytes = switch (b.getSpecifierCase()) {
        case INLINE_STRING -> b.getInlineString().getBytes(StandardCharsets.UTF_8);
        case INLINE_BYTES -> b.getInlineBytes().toByteArray();
        default -> throw new ResourceException(null, where + ": direct_response body "
            + b.getSpecifierCase() + " is not supported (inline_string, inline_bytes)");
      };
      if (bytes.length > ctx.maxDirectBody()) {
        throw new ResourceException(null, where + ": direct_response body of " + bytes.length
            + " bytes exceeds max_direct_response_body_size_bytes " + ctx.maxDirectBody());
      }
      body = new String(bytes, StandardCharsets.UTF_8);
    }
    return new RouteAction.DirectResponse(d.getStatus(), body);
  }
}
