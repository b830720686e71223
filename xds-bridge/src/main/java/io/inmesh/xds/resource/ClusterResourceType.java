package io.inmesh.xds.resource;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.cluster.UpstreamCluster.LbPolicy;
import io.inmesh.xds.resource.LbPolicyDecoder.LbChoice;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.policies.tls.TransportSocketMatch;
import io.inmesh.policies.tls.UpstreamTls;
import io.inmesh.xds.bootstrap.FileWatcherCertificates;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CDS: {@code envoy.config.cluster.v3.Cluster}. EDS clusters (istiod's shape) take their endpoints
 * from {@code eds_cluster_config.service_name} (default: the cluster name); STATIC, STRICT_DNS
 * and LOGICAL_DNS clusters carry theirs in {@code load_assignment} (a STATIC one without, istiod's
 * {@code BlackHoleCluster}, has none: calls to it fail). {@code ORIGINAL_DST} clusters
 * ({@code PassthroughCluster}) pass calls through; inbound clusters ({@code inbound|...}, in a
 * sidecar's wildcard CDS) are accepted and ignored. Aggregate and other custom cluster types are
 * rejected until they are implemented. The load balancer settings are read by
 * {@link LbPolicyDecoder}, {@code circuit_breakers} and {@code outlier_detection} by
 * {@link ClusterPoliciesDecoder}, {@code transport_socket} by {@link UpstreamTlsDecoder} and
 * {@code transport_socket_matches} (istiod's auto mTLS) by {@link TransportSocketMatchDecoder}.
 */
public final class ClusterResourceType extends ResourceType<Cluster, ClusterUpdate> {

  public static final String TYPE_URL = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  private static final AgentLog LOG = AgentLog.get(ClusterResourceType.class);

  /** istiod's inbound clusters: {@code inbound|PORT||HOST} (and {@code inbound|PORT|NAME|HOST}). */
  static final String INBOUND_PREFIX = "inbound|";

  private static final EndpointUpdate NO_ENDPOINTS = new EndpointUpdate(
      new io.inmesh.policies.cluster.LoadAssignment(java.util.List.of(),
          io.inmesh.policies.cluster.LoadAssignment.DEFAULT_OVERPROVISIONING), java.util.List.of());

  /** LB policies whose slow start was reported as not applied, so each is logged once. */
  private final Set<LbPolicy> reportedFallbacks = ConcurrentHashMap.newKeySet();
  private final UpstreamTlsDecoder tls;
  private final TransportSocketMatchDecoder socketMatches;

  /** A decoder for a bootstrap without certificate providers: TLS clusters are NACKed. */
  public ClusterResourceType() {
    this(Map.of());
  }

  /** @param certificateProviders the bootstrap's {@code certificate_providers} */
  public ClusterResourceType(Map<String, FileWatcherCertificates> certificateProviders) {
    this.tls = new UpstreamTlsDecoder(certificateProviders);
    this.socketMatches = new TransportSocketMatchDecoder(tls);
  }

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public String shortName() {
    return "CDS";
  }

  @Override
  public boolean absentMeansDeleted() {
    return true;
  }

  @Override
  protected Class<Cluster> protoClass() {
    return Cluster.class;
  }

  @Override
  protected String nameOf(Cluster proto) {
    return proto.getName();
  }

  @Override
  protected ClusterUpdate parse(Cluster cluster) throws ResourceException {
    String name = Names.intern(cluster.getName());
    if (name.startsWith(INBOUND_PREFIX)) {
      // a sidecar's server side (wildcard CDS carries them): nothing a client dials
      return ClusterUpdate.IGNORED;
    }
    if (cluster.getType() == Cluster.DiscoveryType.ORIGINAL_DST && !cluster.hasClusterType()) {
      // PassthroughCluster: checked before the LB policy, which is CLUSTER_PROVIDED here
      return ClusterUpdate.originalDestination(new UpstreamCluster(name, name,
          LbPolicy.ROUND_ROBIN));
    }
    if (cluster.hasClusterType()) {
      throw new ResourceException(null, "cluster_type " + cluster.getClusterType().getName()
          + " (e.g. aggregate) is not supported yet");
    }
    LbChoice lb = LbPolicyDecoder.decode(cluster);
    var breakers = ClusterPoliciesDecoder.circuitBreakers(cluster);
    var outliers = ClusterPoliciesDecoder.outlierDetection(cluster);
    UpstreamTls upstreamTls = tls.decode(cluster);
    List<TransportSocketMatch> matches = socketMatches.decode(cluster);
    if (lb.slowStart() && reportedFallbacks.add(lb.policy())) {
      LOG.info("slow_start_config is not applied: new endpoints get their full weight at once"
          + " (first seen on cluster %s)", cluster.getName());
    }
    switch (cluster.getType()) {
      case EDS: {
        var eds = cluster.getEdsClusterConfig();
        ConfigSource source = eds.getEdsConfig();
        // gRPC reads EDS only over the same ADS stream (gRFC A27).
        if (!source.hasAds() && !source.hasSelf()) {
          throw new ResourceException(null, "eds_cluster_config.eds_config must be ads or self,"
              + " is " + source.getConfigSourceSpecifierCase());
        }
        String service = eds.getServiceName().isEmpty() ? name
            : Names.intern(eds.getServiceName());
        return new ClusterUpdate(new UpstreamCluster(name, service, lb.policy(),
            lb.config(), breakers, outliers, upstreamTls, matches), null);
      }
      case STATIC:
      case STRICT_DNS:
      case LOGICAL_DNS: {
        EndpointUpdate endpoints;
        if (cluster.hasLoadAssignment()) {
          // STRICT_DNS as LOGICAL_DNS: an endpoint keeps its host name and the JVM resolves it
          // when the call connects, so every address DNS returns is reachable either way
          endpoints = LoadAssignmentDecoder.decode(cluster.getLoadAssignment(),
              cluster.getType() != Cluster.DiscoveryType.STATIC);
        } else if (cluster.getType() == Cluster.DiscoveryType.STATIC) {
          // istiod's BlackHoleCluster: no endpoints, so calls fail (503 UH) as in Envoy
          endpoints = NO_ENDPOINTS;
        } else {
          throw new ResourceException(null, cluster.getType() + " cluster has no load_assignment");
        }
        return new ClusterUpdate(new UpstreamCluster(name, name,
            lb.policy(), lb.config(), breakers, outliers, upstreamTls, matches), endpoints);
      }
      default:
        throw new ResourceException(null, "cluster type " + cluster.getType()
            + " is not supported (EDS, STATIC, STRICT_DNS, LOGICAL_DNS, ORIGINAL_DST)");
    }
  }
}
