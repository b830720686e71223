package io.inmesh.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Strictness the fabric8 model lacks: it keeps unknown fields in {@code additionalProperties} instead of
 * failing, so a misspelt field ({@code contianers}, {@code failurPolicy}) would load silently.
 */
final class ModelChecks {
  private ModelChecks() {}

  static void assertNoUnknownFields(Object model, String where) {
    walk(model, where);
  }

  /** A pod the API server would accept: no unknown fields, unique names, mounts of existing volumes. */
  static void assertWellFormedPod(PodSpec spec, String where) {
    walk(spec, where);
    Set<String> volumes = spec.getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
    assertEquals(spec.getVolumes().size(), volumes.size(), where + ": duplicate volume names");
    List<Container> all = Stream.concat(spec.getContainers().stream(), spec.getInitContainers().stream()).toList();
    assertEquals(all.size(), all.stream().map(Container::getName).distinct().count(), where + ": duplicate container names");
    for (Container c : all) {
      List<String> names = c.getEnv().stream().map(EnvVar::getName).toList();
      assertEquals(names.size(), Set.copyOf(names).size(), where + ": duplicate env in " + c.getName() + ": " + names);
      for (VolumeMount m : c.getVolumeMounts()) {
        assertTrue(volumes.contains(m.getName()), where + ": " + c.getName() + " mounts missing volume " + m.getName());
      }
      List<String> paths = c.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
      assertEquals(paths.size(), Set.copyOf(paths).size(), where + ": duplicate mount paths in " + c.getName());
    }
  }

  private static void walk(Object value, String path) {
    if (value == null) {
      return;
    }
    if (value instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        walk(item, path + "[" + i++ + "]");
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k));
      return;
    }
    Class<?> type = value.getClass();
    if (!type.getName().startsWith("io.fabric8.") || value instanceof GenericKubernetesResource
        || type.isEnum()) {
      return;
    }
    for (Method getter : type.getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          fail(path + " has unknown fields " + extra.keySet() + " (a typo?)");
        }
        continue;
      }
      walk(child, path + "." + decapitalize(getter.getName().substring(3)));
    }
  }

  private static String decapitalize(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
