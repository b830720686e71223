package io.inmesh.webhook;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.regex.Pattern;

/**
 * The workload a pod belongs to, as Istio names it ({@code WORKLOAD_NAME} in node metadata and the
 * {@code source_workload} metric label): the Deployment rather than its ReplicaSet, the CronJob rather
 * than its Job. Derived from names alone, so the webhook needs no read access to the API.
 */
final class WorkloadName {
  /** CronJob controllers name their Jobs {@code <cronjob>-<scheduled time in minutes>}. */
  private static final Pattern CRONJOB_JOB = Pattern.compile("(.+)-\\d{8,}");

  private WorkloadName() {}

  static String of(Pod pod) {
    JsonObject owner = controller(pod);
    if (owner != null) {
      String kind = Pod.string(owner, "kind");
      String name = Pod.string(owner, "name");
      if (name != null && !name.isEmpty()) {
        if ("ReplicaSet".equals(kind)) {
          // a Deployment names its ReplicaSets <deployment>-<pod-template-hash>
          String hash = pod.labels().get("pod-template-hash");
          if (hash != null && name.endsWith("-" + hash)) {
            return name.substring(0, name.length() - hash.length() - 1);
          }
        } else if ("Job".equals(kind)) {
          var m = CRONJOB_JOB.matcher(name);
          if (m.matches()) {
            return m.group(1);
          }
        }
        return name;
      }
    }
    if (pod.name() != null) {
      return pod.name();
    }
    String generate = pod.generateName();
    if (generate != null && !generate.isEmpty()) {
      return generate.endsWith("-") ? generate.substring(0, generate.length() - 1) : generate;
    }
    return "unknown";
  }

  private static JsonObject controller(Pod pod) {
    JsonObject first = null;
    for (JsonElement ref : pod.ownerReferences()) {
      if (!ref.isJsonObject()) {
        continue;
      }
      JsonObject o = ref.getAsJsonObject();
      JsonElement controller = o.get("controller");
      if (controller != null && controller.isJsonPrimitive() && controller.getAsBoolean()) {
        return o;
      }
      if (first == null) {
        first = o;
      }
    }
    return first;
  }
}
