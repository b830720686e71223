package io.inmesh.webhook;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kubelet does with a container's env when it starts it: fieldRefs resolved from the running
 * pod, and {@code $(VAR)} references to earlier variables expanded (unknown ones left as they are).
 */
final class Kubelet {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

  private Kubelet() {}

  static Map<String, String> environment(Container container, Map<String, String> fields) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      String value;
      if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
        value = fields.get(var.getValueFrom().getFieldRef().getFieldPath());
      } else if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
        value = fields.get("configMap:" + var.getValueFrom().getConfigMapKeyRef().getKey());
      } else {
        value = expand(var.getValue() == null ? "" : var.getValue(), env);
      }
      env.put(var.getName(), value);
    }
    return env;
  }

  private static String expand(String value, Map<String, String> defined) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = defined.containsKey(m.group(1)) ? defined.get(m.group(1)) : m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
