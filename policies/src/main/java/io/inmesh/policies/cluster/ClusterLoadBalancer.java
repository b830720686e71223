package io.inmesh.policies.cluster;

import io.inmesh.policies.RandomSource;
import io.inmesh.policies.cluster.UpstreamCluster.LbConfig;
import io.inmesh.policies.cluster.UpstreamCluster.LbPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cluster's load balancer over priorities and localities, built once per CDS/EDS update,
 * following Envoy's {@code LoadBalancerBase}:
 * <ol>
 *   <li><b>Priority</b>: each priority's health is {@code min(100, overprovisioning_factor *
 *       healthy / total)}; load is handed out from P0 down in proportion to health over the
 *       normalized total (so P0 keeps all traffic until fewer than 100/1.4 = 72% of its hosts are
 *       healthy, then spills to P1), rounding leftovers to the first available priority. If no
 *       priority has a healthy host, Envoy's "total panic" applies: load in proportion to host
 *       counts over all hosts (none at all when the panic threshold is 0).</li>
 *   <li><b>Panic</b>: a priority whose healthy share is below {@code healthy_panic_threshold}
 *       (default 50%) balances over all its hosts, healthy or not, ignoring localities.</li>
 *   <li><b>Locality</b> (weighted mode: {@code locality_weighted_lb_config}, {@code wrr_locality},
 *       or any EDS locality weight, because proxyless gRPC always weights localities): a locality
 *       is drawn by {@code weight * min(1, overprovisioning * healthy / total)}; localities without
 *       a weight get none of the traffic. Hash-based policies fold locality weights into host
 *       weights instead, as Envoy's ring hash and Maglev do.</li>
 *   <li><b>Host</b>: the cluster's policy over the remaining hosts.</li>
 * </ol>
 * Health: HEALTHY and UNKNOWN are healthy; everything else (DEGRADED included) is used only in
 * panic. A host ejected by outlier detection counts as unhealthy the same way (Envoy's
 * {@code FAILED_OUTLIER_CHECK}); the balancers are rebuilt when an ejection changes
 * ({@link #refresh()}). A hash-based policy uses the request hash for the priority draw too, so a key sticks.
 */
public final class ClusterLoadBalancer implements LoadBalancer {

  private final UpstreamCluster cluster;
  private final LoadAssignment assignment;
  private final boolean hashBased;
  private final List<Host> hosts;
  private final Map<String, Host> byAddress;
  private final List<Priority> priorities;
  /** Rebuilt when outlier detection ejects or returns a host; read once per pick. */
  private volatile Table table;

  /** One priority's hosts by locality, fixed for the life of this balancer. */
  private record Priority(int priority, List<LocalityEndpoints> localities,
      List<List<Host>> localityHosts, List<Host> all) {}

  /** The balancers over the currently available hosts. */
  private record Table(Level[] levels, int[] load) {}

  private static final class Level {
    int priority;
    List<Host> all;
    boolean panic;
    LoadBalancer panicHosts;
    LoadBalancer healthyHosts;
    LoadBalancer[] localities;
    double[] localityWeights;
    double localityTotal;
  }

  private ClusterLoadBalancer(UpstreamCluster cluster, LoadAssignment assignment,
      List<Priority> priorities, List<Host> hosts, Map<String, Host> byAddress) {
    this.cluster = cluster;
    this.assignment = assignment;
    this.priorities = priorities;
    this.hashBased = cluster.lbPolicy() == LbPolicy.RING_HASH
        || cluster.lbPolicy() == LbPolicy.MAGLEV;
    this.hosts = List.copyOf(hosts);
    this.byAddress = byAddress;
    this.table = buildTable();
  }

  /**
   * Builds the balancer.
   *
   * @param previous the cluster's previous balancer, or null: hosts keep their {@link
   *     ActiveRequests} and, while the cluster has {@code outlier_detection}, their {@link
   *     HostOutlier} across updates (matched by address)
   */
  public static ClusterLoadBalancer build(UpstreamCluster cluster, LoadAssignment assignment,
      ClusterLoadBalancer previous) {
    TreeMap<Integer, List<LocalityEndpoints>> byPriority = new TreeMap<>();
    for (LocalityEndpoints l : assignment.localities()) {
      if (l.endpoints().isEmpty()) {
        continue;
      }
      byPriority.computeIfAbsent(l.priority(), p -> new ArrayList<>()).add(l);
    }
    boolean detection = cluster.outlierDetection() != null;
    List<Host> allHosts = new ArrayList<>();
    Map<String, Host> byAddress = new HashMap<>();
    List<Priority> priorities = new ArrayList<>();
    for (Map.Entry<Integer, List<LocalityEndpoints>> e : byPriority.entrySet()) {
      List<Host> all = new ArrayList<>();
      List<List<Host>> localityHosts = new ArrayList<>();
      for (LocalityEndpoints l : e.getValue()) {
        List<Host> hs = new ArrayList<>();
        for (Endpoint ep : l.endpoints()) {
          Host old = previous == null ? null : previous.byAddress.get(ep.address());
          Host host = new Host(ep, l.locality(), l.priority(),
              old != null ? old.activeRequests() : new ActiveRequests(),
              outlierState(detection, old));
          hs.add(host);
          all.add(host);
          allHosts.add(host);
          // Interned: subset clusters repeat their service's pods (built per update, not per call).
          byAddress.putIfAbsent(ep.address().intern(), host);
        }
        localityHosts.add(hs);
      }
      priorities.add(new Priority(e.getKey(), e.getValue(), localityHosts, all));
    }
    return new ClusterLoadBalancer(cluster, assignment, priorities, allHosts, byAddress);
  }

  /**
   * A host's outlier state: the shared inert one without {@code outlier_detection}; with it, the
   * previous live state of the same address, or a new one (also when detection was just added).
   */
  private static HostOutlier outlierState(boolean detection, Host old) {
    if (!detection) {
      return HostOutlier.INERT;
    }
    return old != null && !old.outlier().inert() ? old.outlier() : new HostOutlier();
  }

  /**
   * Rebuilds the balancers over the hosts available now (healthy and not ejected). Called by the
   * {@link OutlierDetector} when an ejection changes; picks in flight keep the old table.
   */
  public void refresh() {
    table = buildTable();
  }

  private Table buildTable() {
    LbConfig cfg = cluster.lbConfig();
    boolean localityWeighted = cfg.localityWeighted();
    for (LocalityEndpoints l : assignment.localities()) {
      if (!l.endpoints().isEmpty()) {
        localityWeighted |= l.weight() > 0;
      }
    }
    int overprov = assignment.overprovisioningFactor();
    Level[] levels = new Level[priorities.size()];
    int[] health = new int[levels.length];
    for (int li = 0; li < levels.length; li++) {
      Priority p = priorities.get(li);
      Level level = new Level();
      level.priority = p.priority();
      level.all = p.all();
      long healthy = level.all.stream().filter(Host::available).count();
      health[li] = (int) Math.min(100, overprov * healthy / level.all.size());
      double healthyPercent = 100.0 * healthy / level.all.size();
      level.panic = cfg.panicThresholdPercent() > 0 && healthyPercent < cfg.panicThresholdPercent();
      buildBalancers(level, cluster, p.localities(), p.localityHosts(), localityWeighted,
          overprov);
      levels[li] = level;
    }
    int[] load = priorityLoad(levels, health, cfg.panicThresholdPercent());
    return new Table(levels, load);
  }

  /** Envoy's per-priority load (sums to 100), with total panic handled. */
  static int[] priorityLoad(Level[] levels, int[] health, double panicThreshold) {
    int[] load = new int[levels.length];
    int total = 0;
    for (int h : health) {
      total += h;
    }
    int normalized = Math.min(100, total);
    if (normalized == 0) {
      if (panicThreshold == 0 || levels.length == 0) {
        return load;
      }
      // Total panic: every priority in panic, load by host count.
      int hostCount = 0;
      for (Level l : levels) {
        l.panic = true;
        hostCount += l.all.size();
      }
      int remaining = 100;
      for (int i = 0; i < levels.length; i++) {
        load[i] = 100 * levels[i].all.size() / hostCount;
        remaining -= load[i];
      }
      load[0] += remaining;
      return load;
    }
    int remaining = 100;
    int first = -1;
    for (int i = 0; i < levels.length; i++) {
      if (first < 0 && health[i] > 0) {
        first = i;
      }
      load[i] = Math.min(remaining, health[i] * 100 / normalized);
      remaining -= load[i];
    }
    load[first] += remaining;
    return load;
  }

  private static void buildBalancers(Level level, UpstreamCluster cluster,
      List<LocalityEndpoints> localities, List<List<Host>> localityHosts, boolean weighted,
      int overprov) {
    LbConfig cfg = cluster.lbConfig();
    LbPolicy policy = cluster.lbPolicy();
    if (level.panic) {
      level.panicHosts = hashed(policy)
          ? hashBalancer(policy, cfg, localities, localityHosts, weighted, false)
          : leaf(policy, cfg, level.all);
      return;
    }
    if (hashed(policy)) {
      level.healthyHosts = hashBalancer(policy, cfg, localities, localityHosts, weighted, true);
      return;
    }
    List<Host> healthy = level.all.stream().filter(Host::available).toList();
    level.healthyHosts = leaf(policy, cfg, healthy);
    if (weighted) {
      level.localities = new LoadBalancer[localities.size()];
      level.localityWeights = new double[localities.size()];
      for (int i = 0; i < localities.size(); i++) {
        List<Host> hs = localityHosts.get(i);
        List<Host> ok = hs.stream().filter(Host::available).toList();
        double ratio = Math.min(1.0, overprov / 100.0 * ok.size() / hs.size());
        level.localityWeights[i] = localities.get(i).weight() * ratio;
        level.localityTotal += level.localityWeights[i];
        level.localities[i] = leaf(policy, cfg, ok);
      }
    }
  }

  private static boolean hashed(LbPolicy policy) {
    return policy == LbPolicy.RING_HASH || policy == LbPolicy.MAGLEV;
  }

  private static LoadBalancer leaf(LbPolicy policy, LbConfig cfg, List<Host> hosts) {
    return switch (policy) {
      case LEAST_REQUEST -> new LeastRequest(hosts, cfg.choiceCount(), cfg.activeRequestBias(),
          cfg.fullScan());
      case RANDOM -> new RandomBalancer(hosts);
      default -> new RoundRobin(hosts);
    };
  }

  /** A ring or Maglev table over healthy (or all) hosts, locality weights folded in. */
  private static LoadBalancer hashBalancer(LbPolicy policy, LbConfig cfg,
      List<LocalityEndpoints> localities, List<List<Host>> localityHosts, boolean weighted,
      boolean healthyOnly) {
    List<Host> hosts = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    double localitySum = 0;
    if (weighted) {
      for (int i = 0; i < localities.size(); i++) {
        if (localityHosts.get(i).stream().anyMatch(h -> !healthyOnly || h.available())) {
          localitySum += localities.get(i).weight();
        }
      }
    }
    boolean useLocality = weighted && localitySum > 0;
    for (int i = 0; i < localities.size(); i++) {
      List<Host> usable = localityHosts.get(i).stream().filter(h -> !healthyOnly || h.available())
          .toList();
      double hostSum = usable.stream().mapToDouble(h -> h.endpoint().weight()).sum();
      double localityShare = useLocality ? localities.get(i).weight() / localitySum : 1.0;
      if (localityShare == 0) {
        continue;
      }
      for (Host h : usable) {
        hosts.add(h);
        weights.add(useLocality ? localityShare * h.endpoint().weight() / hostSum
            : h.endpoint().weight());
      }
    }
    double sum = weights.stream().mapToDouble(Double::doubleValue).sum();
    double[] normalized = new double[weights.size()];
    for (int i = 0; i < normalized.length; i++) {
      normalized[i] = weights.get(i) / sum;
    }
    return policy == LbPolicy.MAGLEV
        ? new Maglev(hosts, normalized, cfg.maglevTableSize(), cfg.useHostnameForHashing())
        : new RingHash(hosts, normalized, cfg.minRingSize(), cfg.maxRingSize(),
            cfg.useHostnameForHashing());
  }

  @Override
  public boolean usesHash() {
    return hashBased;
  }

  @Override
  public Host pick(long hash, boolean hashed, RandomSource random) {
    Table t = table;
    Level[] levels = t.levels();
    int[] load = t.load();
    if (levels.length == 0) {
      return null;
    }
    long h = hashBased ? (hashed ? hash : random.nextLong()) : 0;
    int point = hashBased ? (int) Long.remainderUnsigned(h, 100) : random.nextInt(100);
    Level level = null;
    for (int i = 0; i < levels.length; i++) {
      point -= load[i];
      if (point < 0) {
        level = levels[i];
        break;
      }
    }
    if (level == null) {
      return null;
    }
    if (level.panic) {
      return level.panicHosts.pick(h, true, random);
    }
    if (hashBased) {
      return level.healthyHosts.pick(h, true, random);
    }
    if (level.localities != null && level.localityTotal > 0) {
      double p = (random.nextLong() >>> 11) * 0x1.0p-53 * level.localityTotal;
      for (int i = 0; i < level.localities.length; i++) {
        p -= level.localityWeights[i];
        if (p < 0 && level.localityWeights[i] > 0) {
          return level.localities[i].pick(hash, hashed, random);
        }
      }
    }
    return level.healthyHosts.pick(hash, hashed, random);
  }

  /** The host with this address ({@code ip:port}), for session affinity; null when unknown. */
  public Host host(String address) {
    return byAddress.get(address);
  }

  public UpstreamCluster cluster() {
    return cluster;
  }

  public LoadAssignment assignment() {
    return assignment;
  }

  /** Every host, in priority then locality order. */
  public List<Host> hosts() {
    return hosts;
  }

  /** The share of traffic (percent) each non-empty priority gets, highest priority first. */
  public int[] priorityLoad() {
    return table.load().clone();
  }

  /** Whether the i-th non-empty priority balances in panic mode. */
  public boolean inPanic(int level) {
    return table.levels()[level].panic;
  }
}
