package io.inmesh.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real HTTPS AdmissionReviews from real-world pods; the returned patch applied with zjsonpatch. */
class InjectEndpointTest {
  private static final String AGENT_OPTION = "-javaagent:/inmesh/inmesh-agent.jar";
  private static final InjectionConfig CONFIG =
      new InjectionConfig("registry.acme.io/inmesh/inmesh-agent:0.1.0", "istiod.istio-system.svc:15010", "prod-eu1");
  /** What the downward API yields in the running pod (loopback addresses only in fixtures). */
  private static final Map<String, String> RUNNING = Map.of(
      "metadata.name", "petclinic-7c9f6d5b8d-q2x8w", "metadata.namespace", "shop",
      "status.podIP", "127.0.0.42", "spec.serviceAccountName", "petclinic",
      "configMap:java-tool-options", "-Xss512k");

  @TempDir
  static Path tmp;
  private static WebhookServer server;
  private static AdmissionClient client;

  @BeforeAll
  static void start() throws Exception {
    TestCertificates certs = TestCertificates.generate(tmp, "webhook");
    server = WebhookServer.start(new InetSocketAddress("127.0.0.1", 0), certs.certFile(), certs.keyFile(),
        Duration.ofMinutes(10), CONFIG);
    client = new AdmissionClient(certs.clientContext(), server.address().getPort());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void springBootPodGetsAgentBootstrapIdentityAndScrapeAnnotations() throws Exception {
    AdmissionClient.Answer answer = client.inject(AdmissionClient.fixture("spring-boot"), "shop");
    assertEquals(200, answer.status());
    assertTrue(answer.allowed());
    Pod pod = answer.podAfter();
    PodChecks.assertWellFormed(pod);

    Container init = pod.getSpec().getInitContainers().get(0);
    assertEquals("inmesh-init", init.getName());
    assertEquals(CONFIG.agentImage(), init.getImage());
    assertEquals(List.of("cp", "/opt/inmesh/inmesh-agent.jar", "/inmesh/inmesh-agent.jar"), init.getCommand());
    assertEquals("/inmesh", init.getVolumeMounts().get(0).getMountPath());
    assertTrue(init.getSecurityContext().getRunAsNonRoot());

    Volume agent = volume(pod, "inmesh-agent");
    assertNotNull(agent.getEmptyDir());
    Volume podinfo = volume(pod, "inmesh-podinfo");
    assertEquals("metadata.labels", podinfo.getDownwardAPI().getItems().get(0).getFieldRef().getFieldPath());
    assertNotNull(volume(pod, "kube-api-access-x7k2p"), "the pod's own volumes are kept");

    Container app = pod.getSpec().getContainers().get(0);
    assertEquals(List.of("/var/run/secrets/kubernetes.io/serviceaccount", "/inmesh", "/etc/inmesh/podinfo"),
        app.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList());
    assertEquals("/actuator/health/liveness", app.getLivenessProbe().getHttpGet().getPath(), "untouched");
    assertEquals("petclinic-db", env(app, "SPRING_DATASOURCE_PASSWORD").getValueFrom().getSecretKeyRef().getName());
    assertEquals("status.podIP", env(app, "POD_IP").getValueFrom().getFieldRef().getFieldPath());
    assertEquals("metadata.namespace", env(app, "NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
    assertEquals("petclinic", env(app, "WORKLOAD_NAME").getValue(), "the Deployment, not the ReplicaSet");
    assertEquals("prod-eu1", env(app, "CLUSTER_ID").getValue());
    assertEquals("/etc/inmesh/podinfo/labels", env(app, "INMESH_POD_LABELS_FILE").getValue());
    assertEquals(AGENT_OPTION, env(app, "JAVA_TOOL_OPTIONS").getValue());
    assertNull(find(app, "INMESH_ADMIN"), "no setting without an annotation: the agent's defaults apply");

    // what the agent reads once kubelet has expanded $(POD_IP) and friends
    Map<String, String> running = Kubelet.environment(app, RUNNING);
    JsonNode bootstrap = AdmissionClient.JSON.readTree(running.get("GRPC_XDS_BOOTSTRAP_CONFIG"));
    assertEquals("istiod.istio-system.svc:15010", bootstrap.at("/xds_servers/0/server_uri").asText());
    assertEquals("insecure", bootstrap.at("/xds_servers/0/channel_creds/0/type").asText());
    assertEquals("sidecar~127.0.0.42~petclinic-7c9f6d5b8d-q2x8w.shop~shop.svc.cluster.local",
        bootstrap.at("/node/id").asText());
    assertEquals("grpc", bootstrap.at("/node/metadata/GENERATOR").asText());
    assertEquals("shop", bootstrap.at("/node/metadata/NAMESPACE").asText());
    assertEquals("127.0.0.42", bootstrap.at("/node/metadata/INSTANCE_IPS").asText());
    assertEquals("petclinic", bootstrap.at("/node/metadata/WORKLOAD_NAME").asText());
    assertEquals("prod-eu1", bootstrap.at("/node/metadata/CLUSTER_ID").asText());
    assertEquals("v1", bootstrap.at("/node/metadata/LABELS/version").asText());
    assertEquals(AGENT_OPTION, running.get("JAVA_TOOL_OPTIONS"));

    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    assertEquals("true", annotations.get("prometheus.io/scrape"));
    assertEquals("15090", annotations.get("prometheus.io/port"));
    assertEquals("/stats/prometheus", annotations.get("prometheus.io/path"));
    assertEquals("2024-05-02T09:14:07Z", annotations.get("kubectl.kubernetes.io/restartedAt"));
    assertTrue(annotations.get("inmesh.io/status").contains("petclinic"));
  }

  @Test
  void existingJavaToolOptionsAreKeptAndAnnotationsSetAgentSettings() throws Exception {
    Pod pod = client.inject(AdmissionClient.fixture("java-tool-options"), "shop").podAfter();
    PodChecks.assertWellFormed(pod);
    Container app = pod.getSpec().getContainers().get(0);
    assertEquals("-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError " + AGENT_OPTION,
        env(app, "JAVA_TOOL_OPTIONS").getValue());
    assertEquals("JAVA_TOOL_OPTIONS", app.getEnv().get(0).getName(), "replaced where it was");
    assertEquals(1, app.getEnv().stream().filter(e -> e.getName().equals("POD_IP")).count(),
        "the pod's own POD_IP is reused, not duplicated");
    assertEquals("orders", env(app, "WORKLOAD_NAME").getValue(), "the StatefulSet");
    assertEquals("debug", env(app, "INMESH_LOG_LEVEL").getValue());
    assertEquals("127.0.0.1:15100", env(app, "INMESH_ADMIN").getValue());
    assertEquals(List.of("java"), app.getCommand());
  }

  @Test
  void javaToolOptionsFromAConfigMapAreReferencedNotLost() throws Exception {
    ObjectNode fixture = AdmissionClient.fixture("java-tool-options");
    ObjectNode var = (ObjectNode) fixture.at("/spec/containers/0/env/0");
    var.remove("value");
    var.putObject("valueFrom").putObject("configMapKeyRef").put("name", "jvm").put("key", "java-tool-options");
    Container app = client.inject(fixture, "shop").podAfter().getSpec().getContainers().get(0);
    assertEquals("jvm", env(app, "INMESH_APP_JAVA_TOOL_OPTIONS").getValueFrom().getConfigMapKeyRef().getName());
    assertEquals("-Xss512k " + AGENT_OPTION, Kubelet.environment(app, RUNNING).get("JAVA_TOOL_OPTIONS"));
  }

  @Test
  void theImagesOwnJavaToolOptionsComeFromAnAnnotation() throws Exception {
    ObjectNode fixture = AdmissionClient.fixture("spring-boot");
    ((ObjectNode) fixture.at("/metadata/annotations"))
        .put("inmesh.io/image-java-tool-options", "-XX:+UseContainerSupport -XX:MaxRAMPercentage=80");
    Container app = client.inject(fixture, "shop").podAfter().getSpec().getContainers().get(0);
    assertEquals("-XX:+UseContainerSupport -XX:MaxRAMPercentage=80 " + AGENT_OPTION,
        env(app, "JAVA_TOOL_OPTIONS").getValue());
  }

  @Test
  void multiContainerPodGetsTheAgentInItsJavaContainerOnlyAndKeepsItsScrapeAnnotations() throws Exception {
    Pod pod = client.inject(AdmissionClient.fixture("multi-container"), "edge").podAfter();
    PodChecks.assertWellFormed(pod);
    Container nginx = pod.getSpec().getContainers().get(0);
    Container gateway = pod.getSpec().getContainers().get(1);
    Container shipper = pod.getSpec().getContainers().get(2);
    assertEquals(AGENT_OPTION, env(gateway, "JAVA_TOOL_OPTIONS").getValue());
    assertEquals("gateway", env(gateway, "WORKLOAD_NAME").getValue());
    assertTrue(nginx.getEnv().isEmpty());
    assertEquals(1, nginx.getVolumeMounts().size());
    assertTrue(shipper.getEnv().isEmpty());
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    assertEquals("8081", annotations.get("prometheus.io/port"), "the application's own scrape target wins");
    assertEquals("/actuator/prometheus", annotations.get("prometheus.io/path"));
  }

  @Test
  void containersNamedByAnnotation() throws Exception {
    ObjectNode fixture = AdmissionClient.fixture("multi-container");
    ((ObjectNode) fixture.at("/metadata/annotations")).put("inmesh.io/containers", "gateway, log-shipper");
    Pod pod = client.inject(fixture, "edge").podAfter();
    assertNull(find(pod.getSpec().getContainers().get(0), "JAVA_TOOL_OPTIONS"));
    assertNotNull(find(pod.getSpec().getContainers().get(1), "JAVA_TOOL_OPTIONS"));
    Container shipper = pod.getSpec().getContainers().get(2);
    assertNotNull(find(shipper, "JAVA_TOOL_OPTIONS"));
    assertEquals("127.0.0.1:15001", env(shipper, "INMESH_ADMIN").getValue(),
        "a second agent in the same pod gets its own admin port");
  }

  @Test
  void istioGrpcAgentPodUsesPilotAgentsBootstrap() throws Exception {
    Pod pod = client.inject(AdmissionClient.fixture("istio-grpc-agent"), "bookinfo").podAfter();
    PodChecks.assertWellFormed(pod);
    Container reviews = pod.getSpec().getContainers().get(0);
    Container proxy = pod.getSpec().getContainers().get(1);
    assertEquals("/etc/istio/proxy/grpc-bootstrap.json", env(reviews, "GRPC_XDS_BOOTSTRAP").getValue());
    assertNull(find(reviews, "GRPC_XDS_BOOTSTRAP_CONFIG"), "pilot-agent's bootstrap (mTLS to istiod) is used");
    assertEquals(AGENT_OPTION, env(reviews, "JAVA_TOOL_OPTIONS").getValue());
    assertEquals("reviews-v1", env(reviews, "WORKLOAD_NAME").getValue());
    assertNull(find(proxy, "JAVA_TOOL_OPTIONS"), "never into Istio's proxy");
    assertEquals(7, proxy.getVolumeMounts().size());
    assertEquals("15020", pod.getMetadata().getAnnotations().get("prometheus.io/port"));
    assertTrue(pod.getMetadata().getAnnotations().get("inmesh.io/status").contains("istio-grpc-agent"));
  }

  @Test
  void anInjectedPodIsLeftAsItIs() throws Exception {
    JsonNode once = client.inject(AdmissionClient.fixture("spring-boot"), "shop").podAfterJson();
    AdmissionClient.Answer again = client.inject(once, "shop"); // reinvocation, or a second webhook pass
    assertEquals(200, again.status());
    assertTrue(again.allowed());
    assertFalse(again.patched());
    assertEquals(1, again.podAfter().getSpec().getInitContainers().size());
  }

  @Test
  void optInAndOptOut() throws Exception {
    ObjectNode optedOut = AdmissionClient.fixture("spring-boot");
    ((ObjectNode) optedOut.at("/metadata/annotations")).put("inmesh.io/inject", "false");
    assertFalse(client.inject(optedOut, "shop").patched(), "false wins over the namespace label");

    ObjectNode plain = AdmissionClient.fixture("spring-boot");
    assertFalse(client.send("/inject/opt-in", plain, "shop").patched(), "unlabelled namespace, no annotation");

    ObjectNode optedIn = AdmissionClient.fixture("spring-boot");
    ((ObjectNode) optedIn.at("/metadata/annotations")).put("inmesh.io/inject", "true");
    assertTrue(client.send("/inject/opt-in", optedIn, "shop").patched());
  }

  @Test
  void telemetryOffMeansNoScrapeAnnotations() throws Exception {
    ObjectNode fixture = AdmissionClient.fixture("spring-boot");
    ((ObjectNode) fixture.at("/metadata/annotations")).put("inmesh.io/telemetry", "false")
        .put("inmesh.io/log-level", "loud");
    AdmissionClient.Answer answer = client.inject(fixture, "shop");
    Pod pod = answer.podAfter();
    assertNull(pod.getMetadata().getAnnotations().get("prometheus.io/scrape"));
    Container app = pod.getSpec().getContainers().get(0);
    assertEquals("false", env(app, "INMESH_TELEMETRY").getValue());
    assertNull(find(app, "INMESH_LOG_LEVEL"));
    assertTrue(answer.response().get("warnings").get(0).asText().contains("inmesh.io/log-level='loud' ignored"));
  }

  @Test
  void aPodWithoutMetadataOrListsStillPatchesCleanly() throws Exception {
    ObjectNode bare = AdmissionClient.JSON.createObjectNode();
    bare.put("apiVersion", "v1").put("kind", "Pod");
    bare.putObject("spec").putArray("containers").addObject().put("name", "app").put("image", "amazoncorretto:17");
    Pod pod = client.inject(bare, "default").podAfter();
    PodChecks.assertWellFormed(pod);
    assertEquals(AGENT_OPTION, env(pod.getSpec().getContainers().get(0), "JAVA_TOOL_OPTIONS").getValue());
    assertEquals(2, pod.getSpec().getVolumes().size());
  }

  static Volume volume(Pod pod, String name) {
    return pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElse(null);
  }

  static EnvVar env(Container c, String name) {
    EnvVar var = find(c, name);
    assertNotNull(var, () -> "no " + name + " in " + c.getName() + ": " + c.getEnv());
    return var;
  }

  static EnvVar find(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElse(null);
  }
}
