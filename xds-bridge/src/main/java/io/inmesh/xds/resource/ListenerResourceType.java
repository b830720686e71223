package io.inmesh.xds.resource;

import com.github.udpa.udpa.type.v1.TypedStruct;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.inmesh.policies.HttpFilters;
import io.inmesh.policies.route.TraceSampling;
import io.inmesh.policies.fault.FaultPolicy;
import io.inmesh.policies.route.SessionAffinity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * LDS: {@code envoy.config.listener.v3.Listener} in the proxyless shape istiod's grpc generator
 * sends: {@code api_listener.api_listener} is an {@link HttpConnectionManager} that names its RDS
 * route configuration or carries one inline. HTTP filters are validated as gRPC does (gRFC A39): a
 * filter type this client does not know rejects the listener unless {@code is_optional}, and the
 * router must be present and last.
 */
public final class ListenerResourceType extends ResourceType<Listener, ListenerUpdate> {

  public static final String TYPE_URL = "type.googleapis.com/envoy.config.listener.v3.Listener";

  static final String HCM_TYPE_URL = "type.googleapis.com/"
      + HttpConnectionManager.getDescriptor().getFullName();
  static final String ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
  private static final String TYPED_STRUCT_UDPA = "type.googleapis.com/udpa.type.v1.TypedStruct";
  private static final String TYPED_STRUCT_XDS = "type.googleapis.com/xds.type.v3.TypedStruct";

  /**
   * Filters this client knows. Applied: router, stateful_session (session affinity, see
   * {@link ListenerUpdate#sessionAffinity()}), fault and local rate limit
   * ({@link ListenerUpdate#filters()}). Known, applied by later work: RBAC. CORS is accepted as a no-op: it concerns browsers, not an in-process client.
   */
  static final Set<String> KNOWN_FILTERS = Set.of(
      ROUTER,
      "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
      "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC",
      "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
      "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors",
      StatefulSessionDecoder.FILTER_TYPE);

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public String shortName() {
    return "LDS";
  }

  @Override
  public boolean absentMeansDeleted() {
    return true;
  }

  @Override
  protected Class<Listener> protoClass() {
    return Listener.class;
  }

  @Override
  protected String nameOf(Listener proto) {
    return proto.getName();
  }

  @Override
  protected ListenerUpdate parse(Listener listener) throws ResourceException {
    if (!listener.hasApiListener()) {
      throw new ResourceException(null, "listener has no api_listener (a sidecar-shaped listener;"
          + " only the proxyless shape is supported yet)");
    }
    Any api = listener.getApiListener().getApiListener();
    if (!HCM_TYPE_URL.equals(api.getTypeUrl())) {
      throw new ResourceException(null, "api_listener is " + api.getTypeUrl()
          + ", expected HttpConnectionManager");
    }
    HttpConnectionManager hcm;
    try {
      hcm = api.unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      throw new ResourceException(null, "cannot decode HttpConnectionManager: " + e.getMessage());
    }
    List<String> filters = parseFilters(hcm);
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
        // gRPC fetches RDS only over the same ADS stream.
        if (!source.hasAds() && !source.hasSelf()) {
          throw new ResourceException(null, "rds.config_source must be ads or self, is "
              + source.getConfigSourceSpecifierCase());
        }
        return new ListenerUpdate(listener.getName(), rdsName, null, filters, affinity,
            policyFilters, sampling);
      case ROUTE_CONFIG:
        RouteConfigUpdate inline = RouteConfigResourceType.parseConfig(hcm.getRouteConfig());
        return new ListenerUpdate(listener.getName(), null, inline, filters, affinity,
            policyFilters, sampling);
      default:
        throw new ResourceException(null, "HttpConnectionManager route specifier "
            + hcm.getRouteSpecifierCase() + " is not supported (rds or route_config)");
    }
  }

  /**
   * The fault and local rate limit filters (their configs may come in a TypedStruct). A listener
   * update is decoded once per LDS response, so the filter-level token bucket restarts only when
   * the listener changes.
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

  private static List<String> parseFilters(HttpConnectionManager hcm) throws ResourceException {
    List<String> types = new ArrayList<>();
    Set<String> names = new HashSet<>();
    boolean router = false;
    List<HttpFilter> list = hcm.getHttpFiltersList();
    for (int i = 0; i < list.size(); i++) {
      HttpFilter f = list.get(i);
      if (!names.add(f.getName())) {
        throw new ResourceException(null, "duplicate HTTP filter name '" + f.getName() + "'");
      }
      if (!f.hasTypedConfig()) {
        if (f.getIsOptional()) {
          continue;
        }
        throw new ResourceException(null, "HTTP filter '" + f.getName() + "' has no typed_config");
      }
      String type = filterType(f.getTypedConfig(), f.getName());
      if (!KNOWN_FILTERS.contains(type)) {
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
      types.add(type);
    }
    if (!router) {
      throw new ResourceException(null, "HttpConnectionManager has no router filter"
          + " (envoy.filters.http.router)");
    }
    return types;
  }

  /** The filter's config type, looking inside a TypedStruct as gRPC does. */
  private static String filterType(Any config, String filterName) throws ResourceException {
    String url = config.getTypeUrl();
    try {
      if (TYPED_STRUCT_UDPA.equals(url)) {
        return withPrefix(config.unpack(TypedStruct.class).getTypeUrl());
      }
      if (TYPED_STRUCT_XDS.equals(url)) {
        return withPrefix(config.unpack(com.github.xds.type.v3.TypedStruct.class).getTypeUrl());
      }
    } catch (InvalidProtocolBufferException e) {
      throw new ResourceException(null, "HTTP filter '" + filterName
          + "' has an undecodable TypedStruct: " + e.getMessage());
    }
    return url;
  }

  private static String withPrefix(String typeUrl) {
    int slash = typeUrl.lastIndexOf('/');
    return "type.googleapis.com/" + (slash < 0 ? typeUrl : typeUrl.substring(slash + 1));
  }
}
