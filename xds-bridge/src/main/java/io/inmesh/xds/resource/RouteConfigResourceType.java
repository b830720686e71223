package io.inmesh.xds.resource;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.policies.route.HeaderMatcher;
import io.inmesh.policies.route.PathMatcher;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteAction;
import io.inmesh.policies.route.RouteMatch;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.VirtualHost;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * RDS: {@code envoy.config.route.v3.RouteConfiguration} to a {@link RouteTable}.
 *
 * <p>Unsupported features follow gRFC A28 as grpc-java implements it: a route whose action is not
 * {@code route} (redirect, direct_response, filter_action) rejects the whole resource (NACK); a
 * route that matches on {@code query_parameters} or picks its cluster by {@code cluster_header} is
 * ignored, i.e. it never matches and later routes are tried, exactly as a gRPC client behaves (it
 * is listed in {@link RouteConfigUpdate#ignoredRoutes()} and logged). {@code runtime_fraction} is
 * accepted only when it is 100% (always matches); a partial fraction is a NACK until the model
 * can draw it, because ignoring it would send all or none of the traffic.
 */
public final class RouteConfigResourceType extends ResourceType<RouteConfiguration,
    RouteConfigUpdate> {

  public static final String TYPE_URL =
      "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

  private static final AgentLog LOG = AgentLog.get(RouteConfigResourceType.class);

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

  /** Also used for a listener's inline {@code route_config}. */
  static RouteConfigUpdate parseConfig(RouteConfiguration proto) throws ResourceException {
    List<VirtualHost> hosts = new ArrayList<>();
    Set<String> clusters = new LinkedHashSet<>();
    List<String> ignored = new ArrayList<>();
    for (io.envoyproxy.envoy.config.route.v3.VirtualHost vh : proto.getVirtualHostsList()) {
      List<Route> routes = new ArrayList<>();
      for (io.envoyproxy.envoy.config.route.v3.Route r : vh.getRoutesList()) {
        String where = "virtual host '" + vh.getName() + "' route '" + r.getName() + "'";
        String ignoreReason = ignoreReason(r);
        if (ignoreReason != null) {
          ignored.add(where + ": " + ignoreReason);
          continue;
        }
        Route route = new Route(r.getName(), parseMatch(r.getMatch(), where),
            parseAction(r, where));
        collectClusters(route.action(), clusters);
        routes.add(route);
      }
      hosts.add(new VirtualHost(vh.getName(), vh.getDomainsList(), routes));
    }
    if (!ignored.isEmpty()) {
      LOG.info("route configuration '%s': %d route(s) never match, as in gRPC: %s",
          proto.getName(), ignored.size(), ignored);
    }
    return new RouteConfigUpdate(new RouteTable(proto.getName(), hosts), clusters, ignored);
  }

  /** The gRPC "ignore this route" cases, or null when the route is usable. */
  private static String ignoreReason(io.envoyproxy.envoy.config.route.v3.Route r) {
    if (r.getMatch().getQueryParametersCount() > 0) {
      return "query_parameters matching is not supported";
    }
    if (r.hasRoute() && r.getRoute().getClusterSpecifierCase()
        == io.envoyproxy.envoy.config.route.v3.RouteAction.ClusterSpecifierCase.CLUSTER_HEADER) {
      return "cluster_header is not supported";
    }
    return null;
  }

  private static RouteMatch parseMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch m,
      String where) throws ResourceException {
    // RouteMatch.case_sensitive defaults to true; it does not apply to safe_regex.
    boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
    PathMatcher path;
    switch (m.getPathSpecifierCase()) {
      case PREFIX:
        path = new PathMatcher.Prefix(m.getPrefix(), caseSensitive);
        break;
      case PATH:
        path = new PathMatcher.Exact(m.getPath(), caseSensitive);
        break;
      case SAFE_REGEX:
        path = new PathMatcher.Regex(Re2.compile(m.getSafeRegex(), false, where));
        break;
      default:
        throw new ResourceException(null, where + ": path match " + m.getPathSpecifierCase()
            + " is not supported");
    }
    if (m.hasRuntimeFraction() && !alwaysMatches(m.getRuntimeFraction().getDefaultValue())) {
      throw new ResourceException(null, where + ": runtime_fraction below 100% is not supported"
          + " yet");
    }
    if (m.hasGrpc() || m.hasTlsContext() || m.getDynamicMetadataCount() > 0) {
      throw new ResourceException(null, where + ": grpc, tls_context and dynamic_metadata"
          + " matchers are not supported");
    }
    List<HeaderMatcher> headers = new ArrayList<>();
    for (io.envoyproxy.envoy.config.route.v3.HeaderMatcher h : m.getHeadersList()) {
      headers.add(HeaderMatcherDecoder.decode(h, where));
    }
    return new RouteMatch(path, headers);
  }

  private static boolean alwaysMatches(FractionalPercent fraction) {
    long denominator = switch (fraction.getDenominator()) {
      case HUNDRED -> 100;
      case TEN_THOUSAND -> 10_000;
      case MILLION -> 1_000_000;
      default -> Long.MAX_VALUE;
    };
    return fraction.getNumerator() >= denominator;
  }

  private static RouteAction parseAction(io.envoyproxy.envoy.config.route.v3.Route r,
      String where) throws ResourceException {
    if (r.getActionCase() != io.envoyproxy.envoy.config.route.v3.Route.ActionCase.ROUTE) {
      throw new ResourceException(null, where + ": action " + r.getActionCase()
          + " is not supported (only route)");
    }
    io.envoyproxy.envoy.config.route.v3.RouteAction action = r.getRoute();
    switch (action.getClusterSpecifierCase()) {
      case CLUSTER:
        if (action.getCluster().isEmpty()) {
          throw new ResourceException(null, where + ": empty cluster name");
        }
        return new RouteAction.ToCluster(action.getCluster());
      case WEIGHTED_CLUSTERS:
        return parseWeighted(action.getWeightedClusters(), where);
      default:
        throw new ResourceException(null, where + ": cluster specifier "
            + action.getClusterSpecifierCase() + " is not supported");
    }
  }

  private static RouteAction parseWeighted(
      io.envoyproxy.envoy.config.route.v3.WeightedCluster weighted, String where)
      throws ResourceException {
    List<RouteAction.WeightedCluster> clusters = new ArrayList<>();
    long total = 0;
    for (io.envoyproxy.envoy.config.route.v3.WeightedCluster.ClusterWeight c
        : weighted.getClustersList()) {
      if (c.getName().isEmpty()) {
        throw new ResourceException(null, where + ": weighted cluster without a name");
      }
      // ClusterWeight.weight is a UInt32Value: read it unsigned.
      long weight = Integer.toUnsignedLong(c.getWeight().getValue());
      total += weight;
      clusters.add(new RouteAction.WeightedCluster(c.getName(), weight));
    }
    if (clusters.isEmpty()) {
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
    return RouteAction.WeightedClusters.of(clusters);
  }

  private static void collectClusters(RouteAction action, Set<String> into) {
    if (action instanceof RouteAction.ToCluster c) {
      into.add(c.cluster());
    } else if (action instanceof RouteAction.WeightedClusters w) {
      for (RouteAction.WeightedCluster c : w.clusters()) {
        if (c.weight() > 0) {
          into.add(c.name());
        }
      }
    }
  }
}
