package io.inmesh.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The plain manifests loaded into the fabric8 Kubernetes model (strictly: an unknown field fails), the
 * webhook configuration's safety fields, and the chart's templates against its values. helm itself
 * is not installable on the build machine, so the chart is not rendered here (see docs/KUBERNETES.md).
 */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of(System.getProperty("inmesh.deploy.dir", "../deploy"));
  private static List<HasMetadata> objects;

  @BeforeAll
  static void load() throws Exception {
    objects = loadAll(Files.readString(DEPLOY.resolve("manifests/inmesh.yaml")));
  }

  @Test
  void everyObjectIsKnownToTheKubernetesModel() {
    assertTrue(objects.size() >= 12, "objects: " + objects.size());
    for (HasMetadata o : objects) {
      assertFalse(o instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource,
          o.getKind() + " is not a Kubernetes type the model knows (apiVersion " + o.getApiVersion() + ")");
      ModelChecks.assertNoUnknownFields(o, o.getKind() + "/" + o.getMetadata().getName());
    }
  }

  @Test
  void aTypoFailsTheBuild() {
    String typo = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n"
        + "    spec:\n      contianers: [{name: a, image: b}]\n";
    AssertionError e = assertThrows(AssertionError.class,
        () -> ModelChecks.assertNoUnknownFields(loadAll(typo).get(0), "Deployment/x"));
    assertTrue(e.getMessage().contains("contianers"), e.getMessage());
  }

  @Test
  void webhookConfigurationFailsOpenAndSkipsSystemNamespaces() {
    MutatingWebhookConfiguration config = one(MutatingWebhookConfiguration.class);
    Deployment deployment = one(Deployment.class);
    Service service = one(Service.class);
    String ownNamespace = deployment.getMetadata().getNamespace();
    assertEquals(List.of("namespace.inject.inmesh.io", "pod.inject.inmesh.io"),
        config.getWebhooks().stream().map(MutatingWebhook::getName).toList());
    for (MutatingWebhook hook : config.getWebhooks()) {
      assertEquals("Ignore", hook.getFailurePolicy(), hook.getName());
      assertEquals("IfNeeded", hook.getReinvocationPolicy(), hook.getName());
      assertEquals("None", hook.getSideEffects(), hook.getName());
      assertTrue(hook.getTimeoutSeconds() != null && hook.getTimeoutSeconds() <= 5, hook.getName());
      assertEquals(List.of("v1"), hook.getAdmissionReviewVersions());
      assertEquals(List.of("CREATE"), hook.getRules().get(0).getOperations());
      assertEquals(List.of("pods"), hook.getRules().get(0).getResources());
      assertEquals(service.getMetadata().getName(), hook.getClientConfig().getService().getName());
      assertEquals(ownNamespace, hook.getClientConfig().getService().getNamespace());
      assertEquals(service.getSpec().getPorts().get(0).getPort(), hook.getClientConfig().getService().getPort());
      LabelSelectorRequirement byName = requirement(hook, "kubernetes.io/metadata.name");
      assertEquals("NotIn", byName.getOperator());
      assertTrue(byName.getValues().containsAll(List.of("kube-system", ownNamespace)), byName.getValues().toString());
    }
    MutatingWebhook namespaced = config.getWebhooks().get(0);
    assertEquals(InjectEndpoint.PATH, namespaced.getClientConfig().getService().getPath());
    assertEquals("In", requirement(namespaced, "inmesh-injection").getOperator());
    assertEquals(List.of("enabled"), requirement(namespaced, "inmesh-injection").getValues());
    MutatingWebhook annotated = config.getWebhooks().get(1);
    assertEquals(InjectEndpoint.OPT_IN_PATH, annotated.getClientConfig().getService().getPath());
    assertEquals("NotIn", requirement(annotated, "inmesh-injection").getOperator());
  }

  @Test
  void deploymentRunsTheJarConfiguredByEnvironment() throws Exception {
    Deployment deployment = one(Deployment.class);
    Container webhook = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = webhook.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertEquals(Set.of("INMESH_WEBHOOK_PORT", "INMESH_WEBHOOK_TLS_CERT", "INMESH_WEBHOOK_TLS_KEY",
        "INMESH_AGENT_IMAGE", "INMESH_XDS_ADDRESS", "INMESH_CLUSTER_ID"), env.keySet());
    assertEquals(InjectionConfig.DEFAULT_XDS_ADDRESS, env.get("INMESH_XDS_ADDRESS"));
    assertEquals(Integer.parseInt(env.get("INMESH_WEBHOOK_PORT")), webhook.getPorts().get(0).getContainerPort());
    assertTrue(webhook.getCommand().containsAll(List.of("java", "-jar", "/opt/inmesh/inmesh-webhook.jar")));
    assertEquals("/healthz", webhook.getReadinessProbe().getHttpGet().getPath());
    assertEquals("HTTPS", webhook.getReadinessProbe().getHttpGet().getScheme());
    assertEquals("HTTPS", webhook.getLivenessProbe().getHttpGet().getScheme());
    String mount = webhook.getVolumeMounts().get(0).getMountPath();
    assertTrue(env.get("INMESH_WEBHOOK_TLS_CERT").startsWith(mount + "/"));
    String secret = deployment.getSpec().getTemplate().getSpec().getVolumes().get(0).getSecret().getSecretName();
    for (Job job : all(Job.class)) {
      assertTrue(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()
          .contains("--secret-name=" + secret), job.getMetadata().getName());
    }
    ClusterRole patcher = one(ClusterRole.class);
    assertEquals(List.of(one(MutatingWebhookConfiguration.class).getMetadata().getName()),
        patcher.getRules().get(0).getResourceNames());

    // the images the manifests name are the ones the Dockerfiles build
    assertTrue(Files.readString(DEPLOY.resolve("docker/webhook.Dockerfile")).contains("/opt/inmesh/inmesh-webhook.jar"));
    assertTrue(Files.readString(DEPLOY.resolve("docker/agent.Dockerfile")).contains(InjectionConfig.AGENT_JAR_IN_IMAGE));
  }

  @Test
  void chartTemplatesUseOnlyDefinedValuesAndTheSameEnvironment() throws Exception {
    Path chart = DEPLOY.resolve("helm/inmesh");
    YAMLMapper yaml = new YAMLMapper();
    JsonNode chartYaml = yaml.readTree(Files.readString(chart.resolve("Chart.yaml")));
    assertEquals("v2", chartYaml.get("apiVersion").asText());
    assertEquals("inmesh", chartYaml.get("name").asText());
    JsonNode values = yaml.readTree(Files.readString(chart.resolve("values.yaml")));
    Pattern reference = Pattern.compile("\\.Values((?:\\.[A-Za-z0-9_]+)+)");
    List<String> missing = new ArrayList<>();
    String allTemplates;
    try (Stream<Path> files = Files.list(chart.resolve("templates"))) {
      allTemplates = files.sorted().map(DeployManifestsTest::read).collect(Collectors.joining("\n"));
    }
    Matcher m = reference.matcher(allTemplates);
    while (m.find()) {
      JsonNode node = values;
      for (String part : m.group(1).substring(1).split("\\.")) {
        node = node == null ? null : node.get(part);
      }
      if (node == null) {
        missing.add(".Values" + m.group(1));
      }
    }
    assertEquals(List.of(), missing, "template references without a default in values.yaml");
    for (String name : List.of("INMESH_WEBHOOK_PORT", "INMESH_WEBHOOK_TLS_CERT", "INMESH_WEBHOOK_TLS_KEY",
        "INMESH_AGENT_IMAGE", "INMESH_XDS_ADDRESS", "INMESH_CLUSTER_ID", "failurePolicy: Ignore",
        "reinvocationPolicy: IfNeeded", "kube-system", "cert-manager.io/inject-ca-from")) {
      assertTrue(allTemplates.contains(name), "the chart lacks " + name);
    }
    assertEquals(count(allTemplates, "{{"), count(allTemplates, "}}"), "unbalanced template delimiters");
    assertEquals(InjectionConfig.DEFAULT_XDS_ADDRESS, values.at("/xds/address").asText());
  }

  @SuppressWarnings("unchecked")
  private static List<HasMetadata> loadAll(String yaml) {
    InputStream in = new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));
    Object loaded = AdmissionClient.KUBE.unmarshal(in);
    return loaded instanceof List<?> list ? (List<HasMetadata>) list : List.of((HasMetadata) loaded);
  }

  private static LabelSelectorRequirement requirement(MutatingWebhook hook, String key) {
    return hook.getNamespaceSelector().getMatchExpressions().stream()
        .filter(r -> r.getKey().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError(hook.getName() + " does not select on " + key));
  }

  private static <T> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static <T> T one(Class<T> type) {
    List<T> found = all(type);
    assertEquals(1, found.size(), type.getSimpleName());
    assertNotNull(found.get(0));
    return found.get(0);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int count(String s, String token) {
    return s.split(Pattern.quote(token), -1).length - 1;
  }
}
