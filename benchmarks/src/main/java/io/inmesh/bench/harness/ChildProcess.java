package io.inmesh.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child process (JVM or HAProxy) driven through stdin and read line by line from stdout; stderr
 * goes to a log file so a failure can be diagnosed without flooding the table.
 */
public final class ChildProcess implements AutoCloseable {

  private final Process process;
  private final PrintWriter stdin;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final Path stderrLog;

  private ChildProcess(Process process, Path stderrLog) {
    this.process = process;
    this.stderrLog = stderrLog;
    this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    pump(process, stdout::add);
  }

  public static ChildProcess start(List<String> command, Map<String, String> env, Path stderrLog)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
    // The measured JVMs must not pick up options or a bootstrap meant for something else.
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("GRPC_XDS_BOOTSTRAP");
    builder.environment().remove("GRPC_XDS_BOOTSTRAP_CONFIG");
    builder.environment().putAll(env);
    return new ChildProcess(builder.start(), stderrLog);
  }

  private static void pump(Process process, Consumer<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          sink.accept(line);
        }
      } catch (IOException ended) {
        // the process is gone; await() reports it
      }
    }, "child-stdout");
    t.setDaemon(true);
    t.start();
  }

  public long pid() {
    return process.pid();
  }

  public void send(String line) {
    stdin.println(line);
  }

  /** The next stdout line starting with {@code prefix}; fails after {@code timeout}. */
  public String await(String prefix, java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : stdout.poll(Math.min(left, 200_000_000L),
          TimeUnit.NANOSECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
      if (line == null && (left <= 0 || !process.isAlive() && stdout.isEmpty())) {
        throw new IllegalStateException("no '" + prefix + "' from pid " + pid()
            + (process.isAlive() ? " within " + timeout : " (exited " + process.exitValue() + ")")
            + "; see " + stderrLog);
      }
    }
  }

  public boolean waitFor(java.time.Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    stdin.close();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
