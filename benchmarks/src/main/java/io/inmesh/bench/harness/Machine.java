package io.inmesh.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the figures were measured on, for the report's header. */
final class Machine {

  private Machine() {}

  static String describe() {
    String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name");
    String memKib = firstValue(Path.of("/proc/meminfo"), "MemTotal").replaceAll("[^0-9]", "");
    String os = firstValue(Path.of("/etc/os-release"), "PRETTY_NAME").replace("\"", "");
    long gib = memKib.isEmpty() ? 0 : Math.round(Long.parseLong(memKib) / 1024.0 / 1024.0);
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + gib + " GiB, "
        + "OpenJDK " + System.getProperty("java.runtime.version") + ", " + os;
  }

  private static String firstValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) {
          return line.substring(line.indexOf(line.contains(":") ? ':' : '=') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux, or not readable: the report just says less
    }
    return "?";
  }
}
