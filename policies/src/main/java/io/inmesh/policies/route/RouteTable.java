package io.inmesh.policies.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code config.route.v3.RouteConfiguration}, with virtual host selection precompiled in Envoy's
 * order: exact domain, then suffix wildcards ({@code *.example.com}) longest first, then prefix
 * wildcards ({@code example.*}) longest first, then {@code *}. Domains compare case-insensitively.
 * The authority is tried as written (with its port) and then without the port, because Istio lists
 * both forms but other control planes often list only the bare name; with
 * {@code ignore_port_in_host_matching} only the bare name is tried.
 *
 * <p>The table also carries the listener's session affinity (the HTTP connection manager's
 * {@code stateful_session} filter), attached by the xDS bridge per target.
 */
public final class RouteTable {

  private final String name;
  private final List<VirtualHost> virtualHosts;
  private final Map<String, VirtualHost> exact = new HashMap<>();
  private final List<Wildcard> suffixes = new ArrayList<>();
  private final List<Wildcard> prefixes = new ArrayList<>();
  private final VirtualHost fallback;
  /**
   * Authorities already selected: an application calls few, so the lookup is one hash probe and
   * the lower-casing and port-stripping below (which allocate) run once per authority.
   */
  private final Map<String, VirtualHost> selected = new java.util.concurrent.ConcurrentHashMap<>();
  private final boolean ignorePortInHostMatching;
  private final SessionAffinity sessionAffinity;
  private final io.inmesh.policies.HttpFilters filters;
  private final TraceSampling traceSampling;

  private record Wildcard(String part, VirtualHost host) {}

  public RouteTable(String name, List<VirtualHost> virtualHosts) {
    this(name, virtualHosts, false, null);
  }

  /**
   * @param ignorePortInHostMatching {@code ignore_port_in_host_matching}
   * @param sessionAffinity the listener's stateful session, or null
   */
  public RouteTable(String name, List<VirtualHost> virtualHosts, boolean ignorePortInHostMatching,
      SessionAffinity sessionAffinity) {
    this(name, virtualHosts, ignorePortInHostMatching, sessionAffinity,
        io.inmesh.policies.HttpFilters.PER_ROUTE);
  }

  /**
   * @param filters the listener's fault and local rate limit filters
   */
  public RouteTable(String name, List<VirtualHost> virtualHosts, boolean ignorePortInHostMatching,
      SessionAffinity sessionAffinity, io.inmesh.policies.HttpFilters filters) {
    this(name, virtualHosts, ignorePortInHostMatching, sessionAffinity, filters, null);
  }

  /**
   * @param traceSampling the listener's {@code tracing} sampling, or null when it has none
   */
  public RouteTable(String name, List<VirtualHost> virtualHosts, boolean ignorePortInHostMatching,
      SessionAffinity sessionAffinity, io.inmesh.policies.HttpFilters filters,
      TraceSampling traceSampling) {
    this.traceSampling = traceSampling;
    this.filters = filters == null ? io.inmesh.policies.HttpFilters.PER_ROUTE : filters;
    this.name = name;
    this.ignorePortInHostMatching = ignorePortInHostMatching;
    this.sessionAffinity = sessionAffinity;
    this.virtualHosts = List.copyOf(virtualHosts);
    VirtualHost any = null;
    for (VirtualHost vh : this.virtualHosts) {
      for (String raw : vh.domains()) {
        String domain = raw.toLowerCase(Locale.ROOT);
        if (domain.equals("*")) {
          if (any == null) {
            any = vh;
          }
        } else if (domain.startsWith("*")) {
          suffixes.add(new Wildcard(domain.substring(1), vh));
        } else if (domain.endsWith("*")) {
          prefixes.add(new Wildcard(domain.substring(0, domain.length() - 1), vh));
        } else {
          exact.putIfAbsent(domain, vh);
        }
      }
    }
    Comparator<Wildcard> longestFirst = Comparator.comparingInt(w -> -w.part().length());
    suffixes.sort(longestFirst);
    prefixes.sort(longestFirst);
    this.fallback = any;
  }

  public String name() {
    return name;
  }

  public List<VirtualHost> virtualHosts() {
    return virtualHosts;
  }

  public boolean ignorePortInHostMatching() {
    return ignorePortInHostMatching;
  }

  /** The listener's session affinity, or null. */
  public SessionAffinity sessionAffinity() {
    return sessionAffinity;
  }

  /** This table with the listener's session affinity (this instance when it is the same). */
  public RouteTable withSessionAffinity(SessionAffinity affinity) {
    if (java.util.Objects.equals(affinity, sessionAffinity)) {
      return this;
    }
    return new RouteTable(name, virtualHosts, ignorePortInHostMatching, affinity, filters,
        traceSampling);
  }

  /** The listener's fault and local rate limit filters. */
  public io.inmesh.policies.HttpFilters filters() {
    return filters;
  }

  /** This table with the listener's filters (this instance when they are the same). */
  public RouteTable withFilters(io.inmesh.policies.HttpFilters next) {
    if (java.util.Objects.equals(next, filters)) {
      return this;
    }
    return new RouteTable(name, virtualHosts, ignorePortInHostMatching, sessionAffinity, next,
        traceSampling);
  }

  /** The listener's {@code tracing} sampling, or null when it has none. */
  public TraceSampling traceSampling() {
    return traceSampling;
  }

  /** This table with the listener's trace sampling (this instance when it is the same). */
  public RouteTable withTraceSampling(TraceSampling next) {
    if (java.util.Objects.equals(next, traceSampling)) {
      return this;
    }
    return new RouteTable(name, virtualHosts, ignorePortInHostMatching, sessionAffinity, filters,
        next);
  }

  /** The virtual host for this authority ({@code host} or {@code host:port}), or null. */
  public VirtualHost select(String authority) {
    VirtualHost known = selected.get(authority);
    if (known != null) {
      return known == NO_MATCH ? null : known;
    }
    VirtualHost found = selectUncached(authority);
    if (selected.size() < MAX_SELECTED) {
      selected.put(authority, found == null ? NO_MATCH : found);
    }
    return found;
  }

  /** Marks an authority that selects no virtual host, in {@link #selected}. */
  private static final VirtualHost NO_MATCH =
      new VirtualHost("(none)", List.of(), List.of());
  private static final int MAX_SELECTED = 4096;

  private VirtualHost selectUncached(String authority) {
    String host = authority.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    String bare = colon > 0 && host.indexOf(']', colon) < 0 ? host.substring(0, colon) : null;
    VirtualHost found;
    if (ignorePortInHostMatching) {
      found = selectSpecific(bare != null ? bare : host);
    } else {
      found = selectSpecific(host);
      if (found == null && bare != null) {
        found = selectSpecific(bare);
      }
    }
    return found != null ? found : fallback;
  }

  private VirtualHost selectSpecific(String host) {
    VirtualHost vh = exact.get(host);
    if (vh != null) {
      return vh;
    }
    for (int i = 0; i < suffixes.size(); i++) {
      Wildcard w = suffixes.get(i);
      // Envoy requires the wildcard to match at least one character.
      if (host.length() > w.part().length() && host.endsWith(w.part())) {
        return w.host();
      }
    }
    for (int i = 0; i < prefixes.size(); i++) {
      Wildcard w = prefixes.get(i);
      if (host.length() > w.part().length() && host.startsWith(w.part())) {
        return w.host();
      }
    }
    return null;
  }
}
