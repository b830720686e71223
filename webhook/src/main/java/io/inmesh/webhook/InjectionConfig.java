package io.inmesh.webhook;

/**
 * What the webhook puts into every injected pod, from its own environment.
 *
 * @param agentImage image of the init container that copies {@code inmesh-agent.jar} (busybox-based:
 *     it needs {@code cp} and the jar at {@link #AGENT_JAR_IN_IMAGE})
 * @param xdsAddress istiod's plaintext xDS port as {@code host:port}, for pods without Istio's
 *     {@code grpc-agent} template; 15012 needs TLS and a service-account token the agent does not
 *     present yet
 * @param clusterId Istio's cluster id ({@code Kubernetes} in a default istiod install)
 */
public record InjectionConfig(String agentImage, String xdsAddress, String clusterId) {

  public static final String DEFAULT_AGENT_IMAGE = "inmesh/inmesh-agent:0.1.0";
  public static final String DEFAULT_XDS_ADDRESS = "istiod.istio-system.svc:15010";
  public static final String DEFAULT_CLUSTER_ID = "Kubernetes";
  /** Where deploy/docker/agent.Dockerfile puts the jar. */
  public static final String AGENT_JAR_IN_IMAGE = "/opt/inmesh/inmesh-agent.jar";

  public InjectionConfig {
    require(agentImage, "agent image");
    require(xdsAddress, "xDS address");
    require(clusterId, "cluster id");
    int colon = xdsAddress.lastIndexOf(':');
    if (colon <= 0 || colon == xdsAddress.length() - 1) {
      throw new IllegalArgumentException("xDS address '" + xdsAddress + "' is not host:port");
    }
  }

  public static InjectionConfig defaults() {
    return new InjectionConfig(DEFAULT_AGENT_IMAGE, DEFAULT_XDS_ADDRESS, DEFAULT_CLUSTER_ID);
  }

  private static void require(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is empty");
    }
  }
}
