package io.inmesh.xds.resource;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.inmesh.policies.HttpFilters;
import io.inmesh.policies.fault.FaultPolicy;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.policies.route.SessionAffinity;
import io.inmesh.policies.route.TraceSampling;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link HttpConnectionManager}, wherever it appears: a proxyless listener's
 * {@code api_listener} or a sidecar filter chain's {@code http_connection_manager} network filter.
 * Both shapes get the same route source, HTTP filters (fault, local rate limit, stateful session)
 * and trace sampling. They differ in what an unknown HTTP filter means:
 *
 * <ul>
 *   <li>{@link Strictness#GRPC}: as gRPC does (gRFC A39), a filter type this client does not know
 *       rejects the listener unless {@code is_optional}.
 *   <li>{@link Strictness#SIDECAR}: istiod's sidecar chains always carry proxy filters
 *       ({@code istio.metadata_exchange}, {@code istio.alpn}, {@code istio.stats},
 *       {@code envoy.filters.http.grpc_stats}, ...); a filter that is not applied in process is
 *       ignored (logged once per type), as a sidecar user expects the rest to keep working.
 * </ul>
 * In both, the router must be present and last.
 */
final class HttpConnectionManagerDecoder {

  private static final AgentLog LOG = AgentLog.get(HttpConnectionManagerDecoder.class);

  static final String HCM_TYPE_URL = "type.googleapis.com/"
      + HttpConnectionManager.getDescriptor().getFullName();
  static final String ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";

  /**
   * Filters this client knows. Applied: router, stateful_session (session affinity, see
   * {@link ListenerUpdate#sessionAffinity()}), fault and local rate limit
   * ({@link ListenerUpdate#filters()}). Known, applied by later work: RBAC. CORS is accepted as a
   * no-op: it concerns browsers, not an in-process client.
   */
  static final Set<String> KNOWN_FILTERS = Set.of(
      ROUTER,
      "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
      "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC",
      "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
      "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors",
      StatefulSessionDecoder.FILTER_TYPE);

  /** How an HTTP filter this client does not apply is treated. */
  enum Strictness { GRPC, SIDECAR }

  /** Filter types already reported as ignored, so each is logged once per process. */
  private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

  private HttpConnectionManagerDecoder() {}

  /** Unpacks and decodes an HCM carried in {@code config}. */
  static ListenerUpdate decode(String name, Any config, Strictness strictness)
      throws ResourceException {
    HttpConnectionManager hcm;
    try {
      hcm = config.unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      throw new ResourceException(null, "cannot decode HttpConnectionManager: " + e.getMessage());
    }
    return decode(name, hcm, strictness);
  }

  /**
   * @param name the listener's name (proxyless) or the filter chain's (sidecar)
   */
  static ListenerUpdate decode(String name, HttpConnectionManager hcm, Strictness strictness)
      throws ResourceException {
    List<String> filters = parseFilters(hcm, strictness);
    SessionAffinity affinity = sessionAffinity(hcm);
    HttpFilters policyFilters = policyFilters(hcm);
    TraceSampling sampling = traceSampling(hcm);
    switch (hcm.getRouteSpecifierCase()) {
      case RDS:
        String rdsName = hcm.getRds().getRouteConfigName();
        if (rdsName.isEmpty()) {
          throw new ResourceException(null, "rds.route_config_name is empty");
        }
        ConfigSource source = hcm.getRds().getConfigSource();
        // RDS is fetched only over the same ADS stream (as gRPC does).
        if (!source.hasAds() && !source.hasSelf()) {
          throw new ResourceException(null, "rds.config_source must be ads or self, is "
              + source.getConfigSourceSpecifierCase());
        }
        return new ListenerUpdate(name, Names.intern(rdsName), null, filters, affinity,
            policyFilters, sampling);
      case ROUTE_CONFIG:
        RouteConfigUpdate inline = RouteConfigResourceType.parseConfig(hcm.getRouteConfig());
        return new ListenerUpdate(name, null, inline, filters, affinity, policyFilters,
            sampling);
      default:
        throw new ResourceException(null, "HttpConnectionManager route specifier "
            + hcm.getRouteSpecifierCase() + " is not supported (rds or route_config)");
    }
  }

  /**
   * The fault and local rate limit filters (their configs may come in a TypedStruct). A listener
   * update is decoded only when its bytes change, so the filter-level token bucket restarts only
   * when the listener changes.
   */
  private static HttpFilters policyFilters(HttpConnectionManager hcm) throws ResourceException {
    FaultPolicy fault = null;
    io.inmesh.policies.ratelimit.LocalRateLimit limit = null;
    boolean limitFirst = false;
    for (HttpFilter f : hcm.getHttpFiltersList()) {
      if (!f.hasTypedConfig() || f.getDisabled()) {
        // HttpFilter.disabled: off unless a route's typed_per_filter_config turns it on, which
        // the route's own policies carry (RoutePoliciesDecoder)
        continue;
      }
      String where = "HTTP filter '" + f.getName() + "'";
      String type = filterType(f.getTypedConfig(), f.getName());
      if (RoutePoliciesDecoder.FAULT_TYPE.equals(type)) {
        fault = RoutePoliciesDecoder.fault(TypedStructs.unpack(f.getTypedConfig(),
            HTTPFault.getDefaultInstance(), where), where);
      } else if (RoutePoliciesDecoder.LOCAL_RATE_LIMIT_TYPE.equals(type)) {
        limit = RoutePoliciesDecoder.localRateLimit(TypedStructs.unpack(f.getTypedConfig(),
            LocalRateLimit.getDefaultInstance(), where), where, System.nanoTime());
        limitFirst = fault == null;
      }
    }
    if (fault == null && limit == null) {
      return HttpFilters.NONE;
    }
    return new HttpFilters(fault, limit, limitFirst);
  }

  /**
   * HttpConnectionManager {@code tracing}: {@code client_sampling}, {@code random_sampling} and
   * {@code overall_sampling} (each an {@code envoy.type.v3.Percent}, 100 when unset); null when
   * the listener has no {@code tracing}. The provider config is not read: spans go where the
   * OTEL_* variables say.
   */
  private static TraceSampling traceSampling(HttpConnectionManager hcm)
      throws ResourceException {
    if (!hcm.hasTracing()) {
      return null;
    }
    HttpConnectionManager.Tracing t = hcm.getTracing();
    try {
      return new TraceSampling(
          t.hasClientSampling() ? t.getClientSampling().getValue() : 100,
          t.hasRandomSampling() ? t.getRandomSampling().getValue() : 100,
          t.hasOverallSampling() ? t.getOverallSampling().getValue() : 100);
    } catch (IllegalArgumentException e) {
      throw new ResourceException(null, e.getMessage());
    }
  }

  /** The stateful_session filter's session state, or null (no filter, or an empty one). */
  private static SessionAffinity sessionAffinity(HttpConnectionManager hcm)
      throws ResourceException {
    for (HttpFilter f : hcm.getHttpFiltersList()) {
      if (f.hasTypedConfig() && !f.getDisabled() && StatefulSessionDecoder.FILTER_TYPE.equals(
          f.getTypedConfig().getTypeUrl())) {
        return StatefulSessionDecoder.filter(f.getTypedConfig(), "HTTP filter '" + f.getName()
            + "'");
      }
    }
    return null;
  }

  private static List<String> parseFilters(HttpConnectionManager hcm, Strictness strictness)
      throws ResourceException {
    List<String> types = new ArrayList<>();
    Set<String> names = new HashSet<>();
    boolean router = false;
    boolean lenient = strictness == Strictness.SIDECAR;
    List<HttpFilter> list = hcm.getHttpFiltersList();
    for (int i = 0; i < list.size(); i++) {
      HttpFilter f = list.get(i);
      if (!names.add(f.getName())) {
        throw new ResourceException(null, "duplicate HTTP filter name '" + f.getName() + "'");
      }
      if (!f.hasTypedConfig()) {
        if (f.getIsOptional() || lenient) {
          continue;
        }
        throw new ResourceException(null, "HTTP filter '" + f.getName() + "' has no typed_config");
      }
      String type = filterType(f.getTypedConfig(), f.getName());
      if (!KNOWN_FILTERS.contains(type)) {
        if (lenient) {
          reportIgnored("HTTP filter", f.getName(), type);
          continue;
        }
        if (f.getIsOptional()) {
          continue;
        }
        throw new ResourceException(null, "HTTP filter '" + f.getName() + "' of type " + type
            + " is not supported and not is_optional");
      }
      if (ROUTER.equals(type)) {
        if (i != list.size() - 1) {
          throw new ResourceException(null, "router filter '" + f.getName()
              + "' must be the last HTTP filter");
        }
        router = true;
      }
      types.add(Names.intern(type));
    }
    if (!router) {
      throw new ResourceException(null, "HttpConnectionManager has no router filter"
          + " (envoy.filters.http.router)");
    }
    return types;
  }

  /**
   * Logs once per type that a filter is not applied in process: at debug for configs no Envoy
   * proto defines (Istio's own, which only its proxy understands), at info for Envoy filters.
   */
  static void reportIgnored(String kind, String filterName, String type) {
    if (!REPORTED.add(kind + " " + type)) {
      return;
    }
    if (isEnvoyProto(type)) {
      LOG.info("%s '%s' (%s) is a proxy feature not applied in process; ignored (logged once"
          + " per type)", kind, filterName, type);
    } else {
      LOG.debug("%s '%s' (%s) is not an Envoy proto (Istio's proxy extension); ignored", kind,
          filterName, type);
    }
  }

  /** Whether a (normalized) type URL names a message of Envoy's API. */
  static boolean isEnvoyProto(String typeUrl) {
    return typeUrl.startsWith("type.googleapis.com/envoy.");
  }

  /** The filter's config type, looking inside a TypedStruct as gRPC does. */
  static String filterType(Any config, String filterName) throws ResourceException {
    try {
      return TypedStructs.typeOf(config);
    } catch (InvalidProtocolBufferException e) {
      throw new ResourceException(null, "filter '" + filterName
          + "' has an undecodable TypedStruct: " + e.getMessage());
    }
  }
}
