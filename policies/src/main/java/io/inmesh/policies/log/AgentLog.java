package io.inmesh.policies.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/**
 * The agent's own log: one line per event on stderr, prefixed "[inmesh]".
 *
 * <p>Deliberately not java.util.logging or SLF4J: an agent that initialises the application's logging
 * framework before {@code main} breaks applications that configure it later (e.g. a custom
 * {@code java.util.logging.manager}).
 */
public final class AgentLog {

  public enum Level { DEBUG, INFO, WARN, ERROR }

  private static volatile Level threshold = Level.INFO;
  private static volatile PrintStream out = System.err;

  private final String component;

  private AgentLog(String component) {
    this.component = component;
  }

  public static AgentLog get(Class<?> owner) {
    return new AgentLog(owner.getSimpleName());
  }

  public static void setThreshold(String level) {
    if (level == null || level.isBlank()) {
      return;
    }
    threshold = Level.valueOf(level.trim().toUpperCase(Locale.ROOT));
  }

  public static boolean enabled(Level level) {
    return level.ordinal() >= threshold.ordinal();
  }

  public void debug(String message, Object... args) {
    log(Level.DEBUG, message, args, null);
  }

  public void info(String message, Object... args) {
    log(Level.INFO, message, args, null);
  }

  public void warn(String message, Object... args) {
    log(Level.WARN, message, args, null);
  }

  public void warn(Throwable error, String message, Object... args) {
    log(Level.WARN, message, args, error);
  }

  public void error(String message, Object... args) {
    log(Level.ERROR, message, args, null);
  }

  public void error(Throwable error, String message, Object... args) {
    log(Level.ERROR, message, args, error);
  }

  private void log(Level level, String message, Object[] args, Throwable error) {
    if (!enabled(level)) {
      return;
    }
    String text = args.length == 0 ? message : String.format(Locale.ROOT, message, args);
    StringBuilder line = new StringBuilder(64 + text.length())
        .append(Instant.now()).append(" [inmesh] ").append(level).append(' ')
        .append(component).append(": ").append(text);
    if (error != null) {
      line.append(": ").append(error);
    }
    PrintStream stream = out;
    synchronized (stream) {
      stream.println(line);
      if (error != null && enabled(Level.DEBUG)) {
        error.printStackTrace(stream);
      }
    }
  }
}
