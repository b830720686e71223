package io.inmesh.xds.resource;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.cluster.UpstreamCluster.LbPolicy;
import io.inmesh.policies.log.AgentLog;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CDS: {@code envoy.config.cluster.v3.Cluster}. EDS clusters (istiod's shape) take their endpoints
 * from {@code eds_cluster_config.service_name} (default: the cluster name); STATIC and LOGICAL_DNS
 * clusters carry theirs in {@code load_assignment}. Aggregate and other custom cluster types are
 * rejected until they are implemented.
 */
public final class ClusterResourceType extends ResourceType<Cluster, ClusterUpdate> {

  public static final String TYPE_URL = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  private static final AgentLog LOG = AgentLog.get(ClusterResourceType.class);

  /** LB policies already reported as applied as round robin, so each is logged once. */
  private final Set<LbPolicy> reportedFallbacks = ConcurrentHashMap.newKeySet();

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
    if (cluster.hasClusterType()) {
      throw new ResourceException(null, "cluster_type " + cluster.getClusterType().getName()
          + " (e.g. aggregate) is not supported yet");
    }
    LbPolicy lb = lbPolicy(cluster);
    switch (cluster.getType()) {
      case EDS: {
        var eds = cluster.getEdsClusterConfig();
        ConfigSource source = eds.getEdsConfig();
        // gRPC reads EDS only over the same ADS stream (gRFC A27).
        if (!source.hasAds() && !source.hasSelf()) {
          throw new ResourceException(null, "eds_cluster_config.eds_config must be ads or self,"
              + " is " + source.getConfigSourceSpecifierCase());
        }
        String service = eds.getServiceName().isEmpty() ? cluster.getName() : eds.getServiceName();
        return new ClusterUpdate(new UpstreamCluster(cluster.getName(), service, lb), null);
      }
      case STATIC:
      case LOGICAL_DNS: {
        if (!cluster.hasLoadAssignment()) {
          throw new ResourceException(null, cluster.getType() + " cluster has no load_assignment");
        }
        EndpointUpdate endpoints = LoadAssignmentDecoder.decode(cluster.getLoadAssignment());
        return new ClusterUpdate(new UpstreamCluster(cluster.getName(), cluster.getName(), lb),
            endpoints);
      }
      default:
        throw new ResourceException(null, "cluster type " + cluster.getType()
            + " is not supported (EDS, STATIC, LOGICAL_DNS)");
    }
  }

  private LbPolicy lbPolicy(Cluster cluster) throws ResourceException {
    LbPolicy policy = switch (cluster.getLbPolicy()) {
      case ROUND_ROBIN -> LbPolicy.ROUND_ROBIN;
      case LEAST_REQUEST -> LbPolicy.LEAST_REQUEST;
      case RANDOM -> LbPolicy.RANDOM;
      case RING_HASH -> LbPolicy.RING_HASH;
      case MAGLEV -> LbPolicy.MAGLEV;
      default -> throw new ResourceException(null, "lb_policy " + cluster.getLbPolicy()
          + " is not supported");
    };
    if (policy != LbPolicy.ROUND_ROBIN && reportedFallbacks.add(policy)) {
      LOG.info("lb_policy %s is applied as ROUND_ROBIN for now (first seen on cluster %s)",
          policy, cluster.getName());
    }
    return policy;
  }
}
