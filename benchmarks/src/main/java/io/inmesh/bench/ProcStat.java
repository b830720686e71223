package io.inmesh.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of one Linux process, read from {@code /proc}, so the app, the
 * JVMs and HAProxy are measured the same way.
 */
public final class ProcStat {

  /** USER_HZ: Linux reports utime and stime in these ticks; 100 on every mainstream kernel. */
  private static final long TICKS_PER_SECOND = 100;

  private ProcStat() {}

  /** User plus system CPU time consumed so far, in milliseconds. */
  public static long cpuMillis(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // comm (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long utime = Long.parseLong(fields[11]);
    long stime = Long.parseLong(fields[12]);
    return (utime + stime) * 1000 / TICKS_PER_SECOND;
  }

  /** Resident set size (VmRSS) in KiB. */
  public static long rssKib(long pid) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
