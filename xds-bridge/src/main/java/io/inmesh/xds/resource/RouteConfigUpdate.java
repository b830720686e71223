package io.inmesh.xds.resource;

import io.inmesh.policies.route.RouteTable;
import java.util.List;
import java.util.Set;

/**
 * A parsed {@code RouteConfiguration}.
 *
 * @param table the routes, ready for matching
 * @param clusterNames every cluster a route can pick: the CDS names to subscribe to
 * @param ignoredRoutes routes left out of {@code table} and why (see {@link RouteConfigResourceType})
 */
public record RouteConfigUpdate(RouteTable table, Set<String> clusterNames,
    List<String> ignoredRoutes) {

  public RouteConfigUpdate {
    clusterNames = Set.copyOf(clusterNames);
    ignoredRoutes = List.copyOf(ignoredRoutes);
  }
}
