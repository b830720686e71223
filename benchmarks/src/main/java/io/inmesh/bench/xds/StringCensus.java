package io.inmesh.bench.xds;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which fields of an object graph hold copies of equal strings: walks the graph from a root
 * (fields of the project's own classes by reflection, JDK collections and maps through their
 * public iterators, arrays), finds every reachable {@link String} instance, and charges each
 * instance beyond the first of its value to the field that holds it. A diagnostic for the decoded
 * model (interning candidates), not a measurement.
 */
final class StringCensus {

  private record Held(Object value, String owner) {}

  private final Map<String, long[]> copiesByOwner = new HashMap<>();
  private long strings;
  private long distinct;
  private long copyBytes;

  private StringCensus() {}

  /** The census of everything reachable from {@code root}, {@code top} owners first. */
  static String of(Object root, int top) throws IllegalAccessException {
    StringCensus census = new StringCensus();
    census.walk(root);
    List<Map.Entry<String, long[]>> owners = new ArrayList<>(census.copiesByOwner.entrySet());
    owners.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%d strings, %d distinct values; copies of equal strings: %d KiB%n",
        census.strings, census.distinct, census.copyBytes / 1024));
    out.append(String.format(Locale.ROOT, "%10s %12s  %s%n", "copies", "bytes", "held by"));
    for (Map.Entry<String, long[]> e : owners.subList(0, Math.min(top, owners.size()))) {
      out.append(String.format(Locale.ROOT, "%10d %12d  %s%n", e.getValue()[0],
          e.getValue()[1], e.getKey()));
    }
    return out.toString();
  }

  private void walk(Object root) throws IllegalAccessException {
    Set<Object> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    Map<String, Boolean> values = new HashMap<>();
    Deque<Held> work = new ArrayDeque<>();
    work.push(new Held(root, "root"));
    while (!work.isEmpty()) {
      Held h = work.pop();
      Object o = h.value();
      if (o == null || !seen.add(o)) {
        continue;
      }
      if (o instanceof String s) {
        strings++;
        if (values.putIfAbsent(s, Boolean.TRUE) == null) {
          distinct++;
        } else {
          long bytes = 24 + align(16 + s.length());
          copyBytes += bytes;
          long[] owner = copiesByOwner.computeIfAbsent(h.owner(), k -> new long[2]);
          owner[0]++;
          owner[1] += bytes;
        }
      } else if (o instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          work.push(new Held(e.getKey(), h.owner() + " (key)"));
          work.push(new Held(e.getValue(), h.owner()));
        }
      } else if (o instanceof Collection<?> collection) {
        for (Object element : collection) {
          work.push(new Held(element, h.owner()));
        }
      } else if (o.getClass().isArray()) {
        if (!o.getClass().getComponentType().isPrimitive()) {
          for (int i = 0; i < Array.getLength(o); i++) {
            work.push(new Held(Array.get(o, i), h.owner()));
          }
        }
      } else if (o.getClass().getName().startsWith("io.inmesh.")) {
        for (Class<?> c = o.getClass(); c != null && c.getName().startsWith("io.inmesh.");
            c = c.getSuperclass()) {
          for (Field f : c.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
              continue;
            }
            f.setAccessible(true);
            work.push(new Held(f.get(o), c.getSimpleName() + "." + f.getName()));
          }
        }
      }
      // Other JDK and library objects (Duration, atomics, Pattern, ...) hold no mesh names.
    }
  }

  private static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }
}
