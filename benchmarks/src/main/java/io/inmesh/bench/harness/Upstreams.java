package io.inmesh.bench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The upstream JVM ({@link io.inmesh.bench.app.BackendMain}): instances a and b, and a sink. */
public final class Upstreams implements AutoCloseable {

  private final ChildProcess process;
  private final int portA;
  private final int portB;
  private final int sinkPort;

  private Upstreams(ChildProcess process, String ready) {
    this.process = process;
    this.portA = field(ready, "a");
    this.portB = field(ready, "b");
    this.sinkPort = field(ready, "sink");
  }

  public static Upstreams start(JavaRuntime java, Path workDir)
      throws IOException, InterruptedException {
    ChildProcess process = ChildProcess.start(java.command(List.of(
            "-Xms128m", "-Xmx128m", "-Dsun.net.httpserver.nodelay=true"),
            "io.inmesh.bench.app.BackendMain"),
        Map.of(), workDir.resolve("upstreams.log"));
    return new Upstreams(process, process.await("READY", Duration.ofSeconds(30)));
  }

  public int portA() {
    return portA;
  }

  public int portB() {
    return portB;
  }

  public int sinkPort() {
    return sinkPort;
  }

  /** Requests served so far by instance a and by instance b. */
  public long[] counts() throws InterruptedException {
    process.send("counts");
    String line = process.await("COUNTS", Duration.ofSeconds(10));
    return new long[] {field(line, "a"), field(line, "b")};
  }

  private static int field(String line, String name) {
    for (String part : line.split(" ")) {
      if (part.startsWith(name + "=")) {
        return Integer.parseInt(part.substring(name.length() + 1));
      }
    }
    throw new IllegalStateException("no " + name + " in " + line);
  }

  @Override
  public void close() {
    process.close();
  }
}
