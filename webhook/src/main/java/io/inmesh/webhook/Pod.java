package io.inmesh.webhook;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only view of the pod in an AdmissionReview, kept as JSON so that fields this webhook does not
 * know survive untouched (the patch rewrites only the lists it extends).
 */
final class Pod {
  private final JsonObject json;
  private final String namespace;

  private Pod(JsonObject json, String namespace) {
    this.json = json;
    this.namespace = namespace;
  }

  /** @throws IllegalArgumentException saying why this is not a pod the webhook understands */
  static Pod of(JsonElement object, String namespace) {
    if (object == null || !object.isJsonObject()) {
      throw new IllegalArgumentException("request.object is not a JSON object");
    }
    JsonObject json = object.getAsJsonObject();
    JsonElement spec = json.get("spec");
    if (spec == null || !spec.isJsonObject()) {
      throw new IllegalArgumentException("the pod has no spec");
    }
    JsonElement containers = spec.getAsJsonObject().get("containers");
    if (containers == null || !containers.isJsonArray() || containers.getAsJsonArray().isEmpty()) {
      throw new IllegalArgumentException("the pod has no spec.containers");
    }
    for (JsonElement c : containers.getAsJsonArray()) {
      if (!c.isJsonObject() || string(c.getAsJsonObject(), "name") == null) {
        throw new IllegalArgumentException("a container has no name");
      }
      for (String list : List.of("env", "volumeMounts", "envFrom", "command", "args")) {
        JsonElement e = c.getAsJsonObject().get(list);
        if (e != null && !e.isJsonNull() && !e.isJsonArray()) {
          throw new IllegalArgumentException("container " + string(c.getAsJsonObject(), "name") + ": "
              + list + " is not a list");
        }
      }
      for (JsonElement var : array(c.getAsJsonObject(), "env")) {
        if (!var.isJsonObject() || string(var.getAsJsonObject(), "name") == null) {
          throw new IllegalArgumentException("container " + string(c.getAsJsonObject(), "name")
              + " has an env entry without a name");
        }
      }
    }
    for (String list : List.of("initContainers", "volumes")) {
      JsonElement e = spec.getAsJsonObject().get(list);
      if (e != null && !e.isJsonNull() && !e.isJsonArray()) {
        throw new IllegalArgumentException("spec." + list + " is not a list");
      }
    }
    JsonElement metadata = json.get("metadata");
    if (metadata != null && !metadata.isJsonNull() && !metadata.isJsonObject()) {
      throw new IllegalArgumentException("metadata is not an object");
    }
    return new Pod(json, namespace == null ? "" : namespace);
  }

  /** {@code namespace/name}, or {@code namespace/generateName*} before the API server names it. */
  String displayName() {
    String name = name();
    if (name == null) {
      String generate = string(metadata(), "generateName");
      name = generate == null ? "(unnamed)" : generate + "*";
    }
    return namespace + "/" + name;
  }

  String name() {
    return string(metadata(), "name");
  }

  String generateName() {
    return string(metadata(), "generateName");
  }

  String annotation(String key) {
    return annotations().get(key);
  }

  Map<String, String> annotations() {
    return stringMap(metadata(), "annotations");
  }

  Map<String, String> labels() {
    return stringMap(metadata(), "labels");
  }

  JsonArray ownerReferences() {
    return array(metadata(), "ownerReferences");
  }

  JsonArray containers() {
    return array(spec(), "containers");
  }

  JsonArray initContainers() {
    return array(spec(), "initContainers");
  }

  JsonArray volumes() {
    return array(spec(), "volumes");
  }

  boolean hasMetadata() {
    return json.get("metadata") != null && json.get("metadata").isJsonObject();
  }

  List<String> containerNames() {
    List<String> names = new ArrayList<>();
    for (JsonElement c : containers()) {
      names.add(string(c.getAsJsonObject(), "name"));
    }
    return names;
  }

  private JsonObject spec() {
    return json.getAsJsonObject("spec");
  }

  private JsonObject metadata() {
    JsonElement m = json.get("metadata");
    return m != null && m.isJsonObject() ? m.getAsJsonObject() : new JsonObject();
  }

  /** A copy of the list (empty when absent), for the patch to extend. */
  static JsonArray array(JsonObject parent, String key) {
    JsonElement e = parent.get(key);
    return e != null && e.isJsonArray() ? e.getAsJsonArray().deepCopy() : new JsonArray();
  }

  static String string(JsonObject parent, String key) {
    JsonElement e = parent.get(key);
    return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
  }

  private static Map<String, String> stringMap(JsonObject parent, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonElement e = parent.get(key);
    if (e != null && e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
        if (entry.getValue().isJsonPrimitive()) {
          out.put(entry.getKey(), entry.getValue().getAsString());
        }
      }
    }
    return out;
  }
}
