package io.inmesh.xds.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.Percent;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.fault.FaultPolicy;
import io.inmesh.policies.header.Header;
import io.inmesh.policies.outcome.CallOutcome;
import io.inmesh.policies.ratelimit.RateLimitAction;
import io.inmesh.policies.route.RetryPolicy;
import io.inmesh.policies.route.RoutePolicies;
import io.inmesh.xds.MeshResources;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Decoding of retries, faults, local rate limits, circuit breakers and outlier detection. */
class ResilienceDecodingTest {

  private static final RouteConfigResourceType RDS = new RouteConfigResourceType();
  private static final ClusterResourceType CDS = new ClusterResourceType();
  private static final ListenerResourceType LDS = new ListenerResourceType();

  private static <T> T parse(ResourceType<?, T> type, Message proto) throws ResourceException {
    return type.decode(Any.pack(proto)).value();
  }

  private static String nack(ResourceType<?, ?> type, Message proto) {
    return assertThrows(ResourceException.class, () -> type.decode(Any.pack(proto))).reason();
  }

  private static Route.Builder to(String cluster) {
    return Route.newBuilder().setName("x").setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setCluster(cluster));
  }

  private static RouteConfiguration config(VirtualHost.Builder vh) {
    return RouteConfiguration.newBuilder().setName("r").addVirtualHosts(vh).build();
  }

  private static VirtualHost.Builder vhost(Route.Builder route) {
    return VirtualHost.newBuilder().setName("vh").addDomains("*").addRoutes(route);
  }

  private static RoutePolicies policies(RouteConfiguration config) throws ResourceException {
    return parse(RDS, config).table().virtualHosts().get(0).routes().get(0).policies();
  }

  private static Route.Builder withRetry(io.envoyproxy.envoy.config.route.v3.RetryPolicy p) {
    Route.Builder r = to("c");
    r.getRouteBuilder().setRetryPolicy(p);
    return r;
  }

  /** Exactly what istiod's retry.go DefaultPolicy() sends for a route without retries. */
  static io.envoyproxy.envoy.config.route.v3.RetryPolicy istioDefault() {
    return io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
        .setNumRetries(UInt32Value.of(2))
        .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
        .addRetriableStatusCodes(503)
        .addRetryHostPredicate(io.envoyproxy.envoy.config.route.v3.RetryPolicy
            .RetryHostPredicate.newBuilder()
            .setName("envoy.retry_host_predicates.previous_hosts")
            .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
        .setHostSelectionRetryMaxAttempts(5).build();
  }

  @Test
  void istioDefaultRetryPolicyDecodesAsEnvoyReadsIt() throws Exception {
    RetryPolicy p = policies(config(vhost(withRetry(istioDefault())))).retry();
    assertEquals(2, p.numRetries());
    assertEquals(Set.of(503), p.retriableStatusCodes());
    assertTrue(p.previousHosts());
    assertEquals(5, p.hostSelectionMaxAttempts());
    assertEquals(java.time.Duration.ZERO, p.perTryTimeout());
    assertEquals(java.time.Duration.ofMillis(25), p.baseInterval());
    assertEquals(java.time.Duration.ofMillis(250), p.maxInterval());
    assertTrue(p.retriesOn(RetryPolicy.CONNECT_FAILURE));
    assertTrue(p.retriesOn(RetryPolicy.REFUSED_STREAM));
    assertTrue(p.retriesOn(RetryPolicy.GRPC_UNAVAILABLE));
    assertTrue(p.retriesOn(RetryPolicy.GRPC_CANCELLED));
    assertTrue(p.retriesOn(RetryPolicy.RETRIABLE_STATUS_CODES));
    assertFalse(p.retriesOn(RetryPolicy.FIVE_XX));
    assertEquals(RetryPolicy.Verdict.WITH_BACKOFF, p.verdict(CallOutcome.response(503), null));
    assertEquals(RetryPolicy.Verdict.NO, p.verdict(CallOutcome.RESET, null));
  }

  @Test
  void retryPolicyFieldsAndVirtualHostFallback() throws Exception {
    var full = io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
        .setRetryOn("5xx, reset,retriable-headers").setPerTryTimeout(Duration.newBuilder()
            .setSeconds(2))
        .setRetryBackOff(io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryBackOff
            .newBuilder().setBaseInterval(Duration.newBuilder().setNanos(100_000_000))
            .setMaxInterval(Duration.newBuilder().setSeconds(1)))
        .addRetriableHeaders(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder()
            .setName("x-retry").setPresentMatch(true))
        .addRetriableRequestHeaders(io.envoyproxy.envoy.config.route.v3.HeaderMatcher
            .newBuilder().setName(":method").setExactMatch("GET"))
        .build();
    RetryPolicy p = policies(config(vhost(to("c")).setRetryPolicy(full))).retry();
    assertEquals(1, p.numRetries(), "num_retries defaults to 1");
    assertEquals(java.time.Duration.ofSeconds(2), p.perTryTimeout());
    assertEquals(java.time.Duration.ofMillis(100), p.baseInterval());
    assertEquals(java.time.Duration.ofSeconds(1), p.maxInterval());
    assertEquals(1, p.retriableHeaders().size());
    assertEquals(1, p.retriableRequestHeaders().size());
    assertFalse(p.previousHosts());
    // The route's own policy replaces the virtual host's (no merge).
    RetryPolicy own = policies(config(vhost(withRetry(istioDefault())).setRetryPolicy(full)))
        .retry();
    assertEquals(2, own.numRetries());
    assertNull(policies(config(vhost(to("c")))).retry());
  }

  @Test
  void retryPolicyNacks() {
    assertTrue(nack(RDS, config(vhost(withRetry(io.envoyproxy.envoy.config.route.v3.RetryPolicy
        .newBuilder().setRetryOn("5xx,sometimes").build())))).contains("sometimes"));
    assertTrue(nack(RDS, config(vhost(withRetry(io.envoyproxy.envoy.config.route.v3.RetryPolicy
        .newBuilder().setRetryOn("5xx").setRetryBackOff(
            io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryBackOff.newBuilder()
                .setBaseInterval(Duration.newBuilder().setSeconds(2))
                .setMaxInterval(Duration.newBuilder().setSeconds(1))).build()))))
        .contains("max_interval"));
    assertTrue(nack(RDS, config(vhost(withRetry(io.envoyproxy.envoy.config.route.v3.RetryPolicy
        .newBuilder().setRetryOn("5xx").setPerTryTimeout(Duration.newBuilder().setSeconds(-1))
        .build())))).contains("per_try_timeout"));
  }

  static HTTPFault istioFault() {
    // What istiod sends for a VirtualService fault: delay 5s for 10%, abort 503 for 0.1%.
    return HTTPFault.newBuilder()
        .setDelay(FaultDelay.newBuilder().setFixedDelay(Duration.newBuilder().setSeconds(5))
            .setPercentage(FractionalPercent.newBuilder().setNumerator(100_000)
                .setDenominator(FractionalPercent.DenominatorType.MILLION)))
        .setAbort(FaultAbort.newBuilder().setHttpStatus(503)
            .setPercentage(FractionalPercent.newBuilder().setNumerator(1000)
                .setDenominator(FractionalPercent.DenominatorType.MILLION)))
        .build();
  }

  @Test
  void faultFromTypedPerFilterConfigOfRouteAndVirtualHost() throws Exception {
    FaultPolicy f = policies(config(vhost(to("c").putTypedPerFilterConfig(
        "envoy.filters.http.fault", Any.pack(istioFault()))))).fault();
    assertEquals(java.time.Duration.ofSeconds(5), f.delay().fixed());
    assertEquals(100_000, f.delay().perMillion());
    assertEquals(503, f.abort().httpStatus());
    assertEquals(1000, f.abort().perMillion());
    FaultPolicy fromVhost = policies(config(vhost(to("c")).putTypedPerFilterConfig(
        "envoy.filters.http.fault", Any.pack(HTTPFault.newBuilder().setAbort(FaultAbort
            .newBuilder().setGrpcStatus(14).setPercentage(FractionalPercent.newBuilder()
                .setNumerator(50))).setMaxActiveFaults(UInt32Value.of(3))
            .addDownstreamNodes("n1").setUpstreamCluster("c").build())))).fault();
    assertEquals(14, fromVhost.abort().grpcStatus());
    assertEquals(500_000, fromVhost.abort().perMillion());
    assertEquals(3, fromVhost.maxActiveFaults());
    assertEquals(List.of("n1"), fromVhost.downstreamNodes());
    // FilterConfig with disabled turns faults off on the route.
    FaultPolicy off = policies(config(vhost(to("c").putTypedPerFilterConfig(
        "envoy.filters.http.fault", Any.pack(FilterConfig.newBuilder().setDisabled(true)
            .setConfig(Any.pack(istioFault())).build()))).putTypedPerFilterConfig(
        "envoy.filters.http.fault", Any.pack(istioFault())))).fault();
    assertSame(FaultPolicy.NONE, off);
    FaultPolicy header = policies(config(vhost(to("c").putTypedPerFilterConfig("f", Any.pack(
        HTTPFault.newBuilder().setDelay(FaultDelay.newBuilder().setHeaderDelay(
            FaultDelay.HeaderDelay.getDefaultInstance()).setPercentage(FractionalPercent
            .newBuilder().setNumerator(100))).build()))))).fault();
    assertNull(header.delay().fixed());
  }

  @Test
  void faultNacks() {
    assertTrue(nack(RDS, config(vhost(to("c").putTypedPerFilterConfig("f", Any.pack(HTTPFault
        .newBuilder().setAbort(FaultAbort.newBuilder().setHttpStatus(700)).build())))))
        .contains("http_status"));
    assertTrue(nack(RDS, config(vhost(to("c").putTypedPerFilterConfig("f", Any.pack(HTTPFault
        .newBuilder().setResponseRateLimit(FaultRateLimit.getDefaultInstance()).build())))))
        .contains("response_rate_limit"));
  }

  static LocalRateLimit localRateLimit() {
    RuntimeFractionalPercent all = RuntimeFractionalPercent.newBuilder().setRuntimeKey("k")
        .setDefaultValue(FractionalPercent.newBuilder().setNumerator(100)).build();
    return LocalRateLimit.newBuilder().setStatPrefix("http_local_rate_limiter")
        .setTokenBucket(TokenBucket.newBuilder().setMaxTokens(10)
            .setTokensPerFill(UInt32Value.of(5)).setFillInterval(Duration.newBuilder()
                .setSeconds(60)))
        .setFilterEnabled(all).setFilterEnforced(all)
        .addResponseHeadersToAdd(HeaderValueOption.newBuilder().setHeader(HeaderValue
            .newBuilder().setKey("x-local-rate-limit").setValue("true")))
        .addDescriptors(LocalRateLimitDescriptor.newBuilder().addEntries(RateLimitDescriptor
            .Entry.newBuilder().setKey("header_match").setValue("premium"))
            .setTokenBucket(TokenBucket.newBuilder().setMaxTokens(100)
                .setFillInterval(Duration.newBuilder().setSeconds(1))))
        .build();
  }

  @Test
  void localRateLimitPerRouteWithRateLimitActions() throws Exception {
    Route.Builder r = to("c").putTypedPerFilterConfig("envoy.filters.http.local_ratelimit",
        Any.pack(localRateLimit()));
    r.getRouteBuilder().addRateLimits(RateLimit.newBuilder().addActions(RateLimit.Action
        .newBuilder().setHeaderValueMatch(RateLimit.Action.HeaderValueMatch.newBuilder()
            .setDescriptorValue("premium").addHeaders(io.envoyproxy.envoy.config.route.v3
                .HeaderMatcher.newBuilder().setName("x-tier").setExactMatch("premium")))));
    RoutePolicies p = policies(config(vhost(r)));
    var l = p.rateLimit();
    assertEquals(429, l.status());
    assertEquals(10, l.bucket().maxTokens());
    assertEquals(5, l.bucket().tokensPerFill());
    assertEquals(1_000_000, l.enabledPerMillion());
    assertEquals(List.of(new Header("x-local-rate-limit", "true")), l.responseHeaders());
    assertEquals(1, l.descriptors().size());
    assertEquals(1, p.rateLimits().size());
    assertTrue(p.rateLimits().get(0).actions().get(0)
        instanceof RateLimitAction.HeaderValueMatch);
    // Unset filter_enabled means 0%, as in Envoy.
    var unset = policies(config(vhost(to("c").putTypedPerFilterConfig("rl", Any.pack(
        localRateLimit().toBuilder().clearFilterEnabled().clearFilterEnforced().build())))))
        .rateLimit();
    assertEquals(0, unset.enabledPerMillion());
  }

  /** An Istio EnvoyFilter's local rate limit: a TypedStruct around the config as JSON. */
  static Any typedStruct(boolean xds) {
    Struct value = Struct.newBuilder()
        .putFields("stat_prefix", str("http_local_rate_limiter"))
        .putFields("token_bucket", obj(Struct.newBuilder()
            .putFields("max_tokens", num(4))
            .putFields("tokens_per_fill", num(4))
            .putFields("fill_interval", str("60s"))))
        .putFields("filter_enabled", obj(Struct.newBuilder()
            .putFields("runtime_key", str("local_rate_limit_enabled"))
            .putFields("default_value", obj(Struct.newBuilder()
                .putFields("numerator", num(100)).putFields("denominator", str("HUNDRED"))))))
        .putFields("filterEnforced", obj(Struct.newBuilder()
            .putFields("default_value", obj(Struct.newBuilder().putFields("numerator",
                num(50))))))
        .putFields("status", obj(Struct.newBuilder().putFields("code", str("ServiceUnavailable"))))
        .putFields("response_headers_to_add", Value.newBuilder().setListValue(ListValue
            .newBuilder().addValues(obj(Struct.newBuilder().putFields("append_action",
                str("OVERWRITE_IF_EXISTS_OR_ADD")).putFields("header", obj(Struct.newBuilder()
                .putFields("key", str("x-rate-limited")).putFields("value", str("true")))))))
            .build())
        .build();
    String type = "type.googleapis.com/"
        + "envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";
    return xds ? Any.pack(com.github.xds.type.v3.TypedStruct.newBuilder().setTypeUrl(type)
        .setValue(value).build())
        : Any.pack(com.github.udpa.udpa.type.v1.TypedStruct.newBuilder().setTypeUrl(type)
            .setValue(value).build());
  }

  private static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Value num(double d) {
    return Value.newBuilder().setNumberValue(d).build();
  }

  private static Value obj(Struct.Builder s) {
    return Value.newBuilder().setStructValue(s).build();
  }

  @Test
  void localRateLimitInsideTypedStructs() throws Exception {
    for (boolean xds : new boolean[] {false, true}) {
      var l = policies(config(vhost(to("c").putTypedPerFilterConfig(
          "envoy.filters.http.local_ratelimit", typedStruct(xds))))).rateLimit();
      assertEquals(4, l.bucket().maxTokens());
      assertEquals(60_000_000_000L, l.bucket().fillIntervalNanos());
      assertEquals(1_000_000, l.enabledPerMillion());
      assertEquals(500_000, l.enforcedPerMillion());
      assertEquals(503, l.status());
      assertEquals(List.of(new Header("x-rate-limited", "true")), l.responseHeaders());
    }
    Struct bad = Struct.newBuilder().putFields("no_such_field", str("x")).build();
    assertTrue(nack(RDS, config(vhost(to("c").putTypedPerFilterConfig("rl", Any.pack(
        com.github.udpa.udpa.type.v1.TypedStruct.newBuilder().setTypeUrl("type.googleapis.com/"
            + "envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit").setValue(bad)
            .build()))))).contains("no_such_field"));
  }

  @Test
  void localRateLimitNacks() {
    assertTrue(nack(RDS, config(vhost(to("c").putTypedPerFilterConfig("rl", Any.pack(
        localRateLimit().toBuilder().setTokenBucket(TokenBucket.newBuilder().setMaxTokens(1)
            .setFillInterval(Duration.newBuilder().setNanos(10_000_000))).build())))))
        .contains("50ms"));
    assertTrue(nack(RDS, config(vhost(to("c").putTypedPerFilterConfig("rl", Any.pack(
        localRateLimit().toBuilder().setStatus(HttpStatus.newBuilder()
            .setCode(StatusCode.OK)).build()))))).contains("status"));
  }

  @Test
  void listenerFiltersCarryFaultAndRateLimitInOrder() throws Exception {
    var hcm = MeshResources.hcm().clearHttpFilters()
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.local_ratelimit")
            .setTypedConfig(typedStruct(true)))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.fault")
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
        .addHttpFilters(MeshResources.router()).setRouteConfig(config(vhost(to("c")))).build();
    ListenerUpdate l = parse(LDS, MeshResources.listener("t:80", hcm));
    assertTrue(l.filters().rateLimitFirst());
    assertTrue(l.filters().fault().isEmpty());
    assertEquals(4, l.filters().rateLimit().bucket().maxTokens());
    ListenerUpdate plain = parse(LDS, MeshResources.listener("t:80", MeshResources.hcm()
        .setRouteConfig(config(vhost(to("c")))).build()));
    assertNull(plain.filters().fault());
    assertNull(plain.filters().rateLimit());
  }

  @Test
  void aDisabledListenerFilterAppliesNothingByItself() throws Exception {
    var hcm = MeshResources.hcm().clearHttpFilters()
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.local_ratelimit")
            .setTypedConfig(typedStruct(true)).setDisabled(true))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.fault")
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())).setDisabled(true))
        .addHttpFilters(MeshResources.router()).setRouteConfig(config(vhost(to("c")))).build();
    ListenerUpdate l = parse(LDS, MeshResources.listener("t:80", hcm));
    assertNull(l.filters().fault());
    assertNull(l.filters().rateLimit());
  }

  @Test
  void circuitBreakersAndOutlierDetectionDecode() throws Exception {
    Cluster cluster = MeshResources.edsCluster("a").toBuilder()
        .setCircuitBreakers(CircuitBreakers.newBuilder()
            .addThresholds(CircuitBreakers.Thresholds.newBuilder()
                .setPriority(RoutingPriority.HIGH).setMaxRequests(UInt32Value.of(1)))
            .addThresholds(CircuitBreakers.Thresholds.newBuilder()
                .setMaxConnections(UInt32Value.of(10)).setMaxRequests(UInt32Value.of(20))
                .setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder()
                    .setBudgetPercent(Percent.newBuilder().setValue(25)))))
        .setOutlierDetection(OutlierDetection.newBuilder()
            .setConsecutive5Xx(UInt32Value.of(3))
            .setInterval(Duration.newBuilder().setSeconds(5))
            .setBaseEjectionTime(Duration.newBuilder().setSeconds(15))
            .setMaxEjectionPercent(UInt32Value.of(50))
            .setSplitExternalLocalOriginErrors(true)
            .setEnforcingFailurePercentage(UInt32Value.of(100))
            .setAlwaysEjectOneHost(BoolValue.of(true)))
        .build();
    UpstreamCluster c = parse(CDS, cluster).cluster();
    assertEquals(10, c.circuitBreakers().maxConnections());
    assertEquals(20, c.circuitBreakers().maxRequests());
    assertEquals(1024, c.circuitBreakers().maxPendingRequests());
    assertEquals(3, c.circuitBreakers().maxRetries());
    assertEquals(25.0, c.circuitBreakers().retryBudget().budgetPercent());
    assertEquals(3, c.circuitBreakers().retryBudget().minRetryConcurrency());
    var od = c.outlierDetection();
    assertEquals(3, od.consecutive5xx());
    assertEquals(java.time.Duration.ofSeconds(5), od.interval());
    assertEquals(java.time.Duration.ofSeconds(15), od.baseEjectionTime());
    assertEquals(java.time.Duration.ofSeconds(300), od.maxEjectionTime());
    assertEquals(50, od.maxEjectionPercent());
    assertTrue(od.splitExternalLocalOriginErrors());
    assertEquals(100, od.enforcingFailurePercentage());
    assertEquals(1900, od.successRateStdevFactor());
    assertTrue(od.alwaysEjectOneHost());
    UpstreamCluster plain = parse(CDS, MeshResources.edsCluster("b")).cluster();
    assertEquals(io.inmesh.policies.cluster.CircuitBreakers.DEFAULT, plain.circuitBreakers());
    assertNull(plain.outlierDetection());
  }

  @Test
  void clusterPolicyNacks() {
    assertTrue(nack(CDS, MeshResources.edsCluster("a").toBuilder().setOutlierDetection(
        OutlierDetection.newBuilder().setMaxEjectionPercent(UInt32Value.of(150))).build())
        .contains("outside 0..100"));
    assertTrue(nack(CDS, MeshResources.edsCluster("a").toBuilder().setOutlierDetection(
        OutlierDetection.newBuilder().setInterval(Duration.getDefaultInstance())).build())
        .contains("interval"));
    assertTrue(nack(CDS, MeshResources.edsCluster("a").toBuilder().setCircuitBreakers(
        CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.getDefaultInstance())
            .addThresholds(CircuitBreakers.Thresholds.getDefaultInstance())).build())
        .contains("two DEFAULT"));
  }
}
