package io.inmesh.webhook;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The new {@code env} and {@code volumeMounts} of one application container: the agent jar on
 * {@code JAVA_TOOL_OPTIONS}, the pod's identity from the downward API, the agent's settings and,
 * unless the container or Istio supplies one, the xDS bootstrap.
 */
final class ContainerPatch {
  static final String AGENT_DIR = "/inmesh";
  static final String AGENT_OPTION = "-javaagent:" + AGENT_DIR + "/inmesh-agent.jar";
  static final String PODINFO_DIR = "/etc/inmesh/podinfo";
  static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";
  /** Holds a {@code valueFrom} JAVA_TOOL_OPTIONS so the new value can reference it. */
  static final String APP_JAVA_TOOL_OPTIONS = "INMESH_APP_JAVA_TOOL_OPTIONS";
  private static final Set<String> BOOTSTRAP_VARIABLES =
      Set.of("GRPC_XDS_BOOTSTRAP", "GRPC_XDS_BOOTSTRAP_CONFIG", "INMESH_BOOTSTRAP");

  /** Why a container cannot get the agent. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private ContainerPatch() {}

  /**
   * @param bootstrap the generated bootstrap JSON, or null when Istio's grpc-agent writes one
   */
  static JsonArray environment(JsonObject container, Map<String, String> identity,
      Map<String, String> settings, String bootstrap, String imageJavaToolOptions) throws Refused {
    JsonArray env = Pod.array(container, "env");
    Set<String> names = new HashSet<>();
    String javaToolOptions = imageJavaToolOptions;
    boolean appendAtEnd = true;
    for (int i = 0; i < env.size(); i++) {
      JsonObject var = env.get(i).getAsJsonObject();
      String name = Pod.string(var, "name");
      names.add(name);
      if (!JAVA_TOOL_OPTIONS.equals(name)) {
        continue;
      }
      String value = Pod.string(var, "value");
      if (var.has("valueFrom")) {
        if (var.toString().contains("\"optional\":true")) {
          // when the key is missing kubelet leaves $(...) unexpanded, and the JVM refuses to start
          throw new Refused("its JAVA_TOOL_OPTIONS comes from an optional reference");
        }
        JsonObject copy = var.deepCopy();
        copy.addProperty("name", APP_JAVA_TOOL_OPTIONS);
        env.set(i, copy);
        javaToolOptions = "$(" + APP_JAVA_TOOL_OPTIONS + ")";
      } else {
        // keep it where it is: a later variable may refer to it
        env.set(i, variable(JAVA_TOOL_OPTIONS, withAgent(value)));
        appendAtEnd = false;
      }
    }
    identity.forEach((name, value) -> addIfAbsent(env, names, name, value));
    settings.forEach((name, value) -> addIfAbsent(env, names, name, value));
    if (bootstrap != null && names.stream().noneMatch(BOOTSTRAP_VARIABLES::contains)) {
      env.add(variable("GRPC_XDS_BOOTSTRAP_CONFIG", bootstrap));
    }
    if (appendAtEnd) {
      env.add(variable(JAVA_TOOL_OPTIONS, withAgent(javaToolOptions)));
    }
    return env;
  }

  static JsonArray volumeMounts(JsonObject container, String agentVolume, String podinfoVolume) {
    JsonArray mounts = Pod.array(container, "volumeMounts");
    mounts.add(mount(agentVolume, AGENT_DIR));
    mounts.add(mount(podinfoVolume, PODINFO_DIR));
    return mounts;
  }

  static boolean hasEnvFrom(JsonObject container) {
    return !Pod.array(container, "envFrom").isEmpty();
  }

  static String withAgent(String existing) {
    if (existing == null || existing.isBlank()) {
      return AGENT_OPTION;
    }
    return existing.contains(AGENT_OPTION) ? existing : existing.trim() + " " + AGENT_OPTION;
  }

  /** A value starting with {@code fieldRef:} becomes a downward API reference. */
  private static void addIfAbsent(JsonArray env, Set<String> names, String name, String value) {
    if (names.add(name)) {
      if (value.startsWith("fieldRef:")) {
        JsonObject fieldRef = new JsonObject();
        fieldRef.addProperty("fieldPath", value.substring("fieldRef:".length()));
        JsonObject valueFrom = new JsonObject();
        valueFrom.add("fieldRef", fieldRef);
        JsonObject var = new JsonObject();
        var.addProperty("name", name);
        var.add("valueFrom", valueFrom);
        env.add(var);
      } else {
        env.add(variable(name, value));
      }
    }
  }

  private static JsonObject variable(String name, String value) {
    JsonObject var = new JsonObject();
    var.addProperty("name", name);
    var.addProperty("value", value);
    return var;
  }

  private static JsonObject mount(String volume, String path) {
    JsonObject m = new JsonObject();
    m.addProperty("name", volume);
    m.addProperty("mountPath", path);
    m.addProperty("readOnly", true);
    return m;
  }
}
