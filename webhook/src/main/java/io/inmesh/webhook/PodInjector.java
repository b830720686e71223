package io.inmesh.webhook;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a pod gets the agent and builds the JSON Patch that attaches it: an init container
 * copying the jar into an emptyDir, the jar on each Java container's {@code JAVA_TOOL_OPTIONS}, the
 * xDS bootstrap (Istio's grpc-agent one, or generated), the pod's identity, and scrape annotations.
 * Lists are replaced whole (JSON Patch {@code add} on an existing member replaces it), which keeps
 * the patch correct whether or not the pod had the list.
 */
final class PodInjector {
  static final String INIT_CONTAINER = "inmesh-init";
  static final String AGENT_VOLUME = "inmesh-agent";
  static final String PODINFO_VOLUME = "inmesh-podinfo";
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /**
   * @param patch the JSON Patch, or null when the pod is left as it is
   * @param reason what was done or why nothing was, for the log
   * @param warnings shown to the user by kubectl
   */
  record Outcome(JsonArray patch, String reason, List<String> warnings) {
    static Outcome unchanged(String reason) {
      return new Outcome(null, reason, List.of());
    }
  }

  private final InjectionConfig config;

  PodInjector(InjectionConfig config) {
    this.config = config;
  }

  /**
   * @param namespaceOptedIn the call came through the webhook whose namespace selector matches
   *     {@code inmesh-injection=enabled}; otherwise only the pod annotation opts in
   */
  Outcome inject(Pod pod, boolean namespaceOptedIn) {
    String inject = pod.annotation(Annotations.INJECT);
    if ("false".equalsIgnoreCase(trim(inject))) {
      return Outcome.unchanged("opted out by " + Annotations.INJECT + "=false");
    }
    if (pod.annotation(Annotations.STATUS) != null || hasInitContainer(pod)) {
      return Outcome.unchanged("already injected");
    }
    if (!namespaceOptedIn && !"true".equalsIgnoreCase(trim(inject))) {
      return Outcome.unchanged("not opted in (namespace label inmesh-injection=enabled or annotation "
          + Annotations.INJECT + "=true)");
    }
    List<Integer> targets = JavaContainers.select(pod);
    if (targets.isEmpty()) {
      return Outcome.unchanged("no container to attach the agent to (" + Annotations.CONTAINERS + "="
          + pod.annotation(Annotations.CONTAINERS) + ", containers " + pod.containerNames() + ")");
    }

    AgentSettings settings = AgentSettings.from(pod);
    List<String> warnings = new ArrayList<>(settings.problems());
    String workload = WorkloadName.of(pod);
    boolean istioGrpcAgent = usesIstioGrpcAgent(pod);
    String bootstrap = istioGrpcAgent ? null : XdsBootstrap.generate(config, workload, pod.labels());
    Map<String, String> identity = identity(workload);
    String imageJavaToolOptions = pod.annotation(Annotations.IMAGE_JAVA_TOOL_OPTIONS);

    JsonArray patch = new JsonArray();
    if (!pod.hasMetadata()) {
      patch.add(add("/metadata", new JsonObject()));
    }
    JsonArray containers = pod.containers();
    List<String> injected = new ArrayList<>();
    for (int index : targets) {
      JsonObject container = containers.get(index).getAsJsonObject();
      String name = Pod.string(container, "name");
      try {
        JsonArray env = ContainerPatch.environment(container, identity,
            settings.forContainer(injected.size()), bootstrap, imageJavaToolOptions);
        patch.add(add("/spec/containers/" + index + "/env", env));
        patch.add(add("/spec/containers/" + index + "/volumeMounts",
            ContainerPatch.volumeMounts(container, AGENT_VOLUME, PODINFO_VOLUME)));
        injected.add(name);
        if (ContainerPatch.hasEnvFrom(container) && imageJavaToolOptions == null
            && !hasVariable(container, ContainerPatch.JAVA_TOOL_OPTIONS)) {
          warnings.add("inmesh: container " + name + " uses envFrom; a JAVA_TOOL_OPTIONS from there is"
              + " replaced, set it with env or the " + Annotations.IMAGE_JAVA_TOOL_OPTIONS + " annotation");
        }
      } catch (ContainerPatch.Refused e) {
        warnings.add("inmesh: container " + name + " left without the agent: " + e.getMessage());
      }
    }
    if (injected.isEmpty()) {
      return new Outcome(null, "no container could get the agent", warnings);
    }

    JsonArray initContainers = pod.initContainers();
    // first: copying a jar needs nothing from the others, and native sidecars may wait on it
    JsonArray withAgent = new JsonArray();
    withAgent.add(initContainer());
    withAgent.addAll(initContainers);
    patch.add(add("/spec/initContainers", withAgent));
    JsonArray volumes = pod.volumes();
    volumes.add(agentVolume());
    volumes.add(podinfoVolume());
    patch.add(add("/spec/volumes", volumes));
    patch.add(add("/metadata/annotations",
        annotations(pod, settings, injected, istioGrpcAgent ? "istio-grpc-agent" : "generated")));
    String how = istioGrpcAgent ? "Istio grpc-agent bootstrap" : "bootstrap for " + config.xdsAddress();
    return new Outcome(patch, "injected into " + injected + " (" + how + ", workload " + workload + ")",
        warnings);
  }

  private static boolean usesIstioGrpcAgent(Pod pod) {
    String templates = pod.annotation(Annotations.ISTIO_TEMPLATES);
    if (templates != null) {
      for (String t : templates.split(",")) {
        if (t.trim().equals("grpc-agent")) {
          return true;
        }
      }
    }
    return false;
  }

  /** What istiod's node metadata and the agent's telemetry need to know about the pod. */
  private Map<String, String> identity(String workload) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("POD_NAME", "fieldRef:metadata.name");
    env.put("NAMESPACE", "fieldRef:metadata.namespace");
    env.put("POD_IP", "fieldRef:status.podIP");
    env.put("SERVICE_ACCOUNT", "fieldRef:spec.serviceAccountName");
    env.put("WORKLOAD_NAME", workload);
    env.put("CLUSTER_ID", config.clusterId());
    // labels are not available as environment: a downward API file, kept current by kubelet
    env.put("INMESH_POD_LABELS_FILE", ContainerPatch.PODINFO_DIR + "/labels");
    return env;
  }

  private JsonObject initContainer() {
    JsonObject c = new JsonObject();
    c.addProperty("name", INIT_CONTAINER);
    c.addProperty("image", config.agentImage());
    c.add("command", strings("cp", InjectionConfig.AGENT_JAR_IN_IMAGE,
        ContainerPatch.AGENT_DIR + "/inmesh-agent.jar"));
    JsonObject mount = new JsonObject();
    mount.addProperty("name", AGENT_VOLUME);
    mount.addProperty("mountPath", ContainerPatch.AGENT_DIR);
    JsonArray mounts = new JsonArray();
    mounts.add(mount);
    c.add("volumeMounts", mounts);
    c.add("resources", GSON.fromJson("{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"},"
        + "\"limits\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}", JsonObject.class));
    // passes the "restricted" Pod Security Standard, so injection works in locked-down namespaces
    c.add("securityContext", GSON.fromJson("{\"runAsNonRoot\":true,\"runAsUser\":65532,"
        + "\"allowPrivilegeEscalation\":false,\"readOnlyRootFilesystem\":true,"
        + "\"capabilities\":{\"drop\":[\"ALL\"]},\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}",
        JsonObject.class));
    return c;
  }

  private static JsonObject agentVolume() {
    return GSON.fromJson("{\"name\":\"" + AGENT_VOLUME + "\",\"emptyDir\":{\"sizeLimit\":\"64Mi\"}}",
        JsonObject.class);
  }

  private static JsonObject podinfoVolume() {
    return GSON.fromJson("{\"name\":\"" + PODINFO_VOLUME + "\",\"downwardAPI\":{\"items\":"
        + "[{\"path\":\"labels\",\"fieldRef\":{\"fieldPath\":\"metadata.labels\"}}]}}", JsonObject.class);
  }

  private static JsonObject annotations(Pod pod, AgentSettings settings, List<String> injected,
      String bootstrap) {
    JsonObject out = new JsonObject();
    Map<String, String> existing = pod.annotations();
    existing.forEach(out::addProperty);
    JsonObject status = new JsonObject();
    status.add("containers", strings(injected.toArray(new String[0])));
    status.addProperty("bootstrap", bootstrap);
    out.addProperty(Annotations.STATUS, GSON.toJson(status));
    // a pod can name one scrape target this way: the application's own annotations win
    boolean ownScrape = existing.keySet().stream().anyMatch(k -> k.startsWith(Annotations.PROMETHEUS_PREFIX));
    if (settings.telemetry() && !ownScrape) {
      out.addProperty("prometheus.io/scrape", "true");
      out.addProperty("prometheus.io/port", String.valueOf(AgentSettings.METRICS_PORT));
      out.addProperty("prometheus.io/path", AgentSettings.METRICS_PATH);
    }
    return out;
  }

  private static boolean hasInitContainer(Pod pod) {
    for (JsonElement c : pod.initContainers()) {
      if (c.isJsonObject() && INIT_CONTAINER.equals(Pod.string(c.getAsJsonObject(), "name"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasVariable(JsonObject container, String name) {
    for (JsonElement var : Pod.array(container, "env")) {
      if (var.isJsonObject() && name.equals(Pod.string(var.getAsJsonObject(), "name"))) {
        return true;
      }
    }
    return false;
  }

  private static JsonObject add(String path, JsonElement value) {
    JsonObject op = new JsonObject();
    op.addProperty("op", "add");
    op.addProperty("path", path);
    op.add("value", value);
    return op;
  }

  private static JsonArray strings(String... values) {
    JsonArray a = new JsonArray();
    for (String v : values) {
      a.add(v);
    }
    return a;
  }

  private static String trim(String s) {
    return s == null ? null : s.trim();
  }
}
