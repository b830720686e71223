package io.inmesh.webhook;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which containers get the agent. The annotation {@code inmesh.io/containers} decides when present.
 * Otherwise the containers that show a JVM (image name, command, or Java environment variables);
 * and when none does (a Jib or buildpack image named after the app), every container but Istio's
 * proxy: the pod opted into a Java mesh, and {@code JAVA_TOOL_OPTIONS} is inert outside a JVM.
 */
final class JavaContainers {
  private static final Set<String> NEVER = Set.of("istio-proxy", "istio-validation", "istio-init");
  private static final Pattern JVM_IMAGE = Pattern.compile(
      "java|jdk|jre|temurin|corretto|zulu|liberica|semeru|graalvm|spring|tomcat|jetty|wildfly"
          + "|jboss|payara|open-liberty|websphere");
  private static final Pattern JVM_COMMAND = Pattern.compile("(^|[\\s/])java(\\s|$)|\\.jar(\\s|$)");

  private JavaContainers() {}

  /** Indexes into spec.containers. */
  static List<Integer> select(Pod pod) {
    JsonArray containers = pod.containers();
    String named = pod.annotation(Annotations.CONTAINERS);
    List<Integer> out = new ArrayList<>();
    if (named != null && !named.isBlank()) {
      List<String> wanted = Arrays.stream(named.split(",")).map(String::trim).toList();
      for (int i = 0; i < containers.size(); i++) {
        if (wanted.contains(Pod.string(containers.get(i).getAsJsonObject(), "name"))) {
          out.add(i);
        }
      }
      return out;
    }
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < containers.size(); i++) {
      JsonObject c = containers.get(i).getAsJsonObject();
      if (NEVER.contains(Pod.string(c, "name"))) {
        continue;
      }
      candidates.add(i);
      if (looksLikeJava(c)) {
        out.add(i);
      }
    }
    return out.isEmpty() ? candidates : out;
  }

  static boolean looksLikeJava(JsonObject container) {
    String image = Pod.string(container, "image");
    if (image != null && JVM_IMAGE.matcher(image.toLowerCase(Locale.ROOT)).find()) {
      return true;
    }
    for (String field : List.of("command", "args")) {
      for (JsonElement part : Pod.array(container, field)) {
        if (part.isJsonPrimitive() && JVM_COMMAND.matcher(part.getAsString()).find()) {
          return true;
        }
      }
    }
    for (JsonElement env : Pod.array(container, "env")) {
      String name = env.isJsonObject() ? Pod.string(env.getAsJsonObject(), "name") : null;
      if (name != null && (name.startsWith("JAVA_") || name.startsWith("JDK_")
          || name.startsWith("SPRING_") || name.startsWith("CATALINA_"))) {
        return true;
      }
    }
    return false;
  }
}
