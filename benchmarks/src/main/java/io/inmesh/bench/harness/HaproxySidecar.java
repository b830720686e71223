package io.inmesh.bench.harness;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A local HAProxy configured as an outbound sidecar would be: HTTP mode, keep-alive on both sides
 * with idle upstream connections reused, round robin over instances a and b, two worker threads
 * (Istio's default sidecar concurrency), no logging.
 */
public final class HaproxySidecar implements AutoCloseable {

  private final ChildProcess process;
  private final int port;

  private HaproxySidecar(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  public static boolean installed() {
    return Files.isExecutable(Path.of(binary()));
  }

  private static String binary() {
    return System.getProperty("inmesh.bench.haproxy", "/usr/sbin/haproxy");
  }

  public static HaproxySidecar start(Upstreams upstreams, Path workDir)
      throws IOException, InterruptedException {
    int port = freePort();
    Path config = workDir.resolve("haproxy.cfg");
    Files.writeString(config, """
        global
          nbthread 2
          maxconn 4096
        defaults
          mode http
          option http-keep-alive
          http-reuse always
          timeout connect 5s
          timeout client 30s
          timeout server 30s
          timeout http-keep-alive 30s
        frontend outbound
          bind 127.0.0.1:%d
          default_backend reviews
        backend reviews
          balance roundrobin
          server a 127.0.0.1:%d
          server b 127.0.0.1:%d
        """.formatted(port, upstreams.portA(), upstreams.portB()));
    // -db: stay in the foreground as one process, so its pid is the one whose CPU is read.
    ChildProcess process = ChildProcess.start(List.of(binary(), "-db", "-f", config.toString()),
        Map.of(), workDir.resolve("haproxy.log"));
    awaitListening(port, process);
    return new HaproxySidecar(process, port);
  }

  private static void awaitListening(int port, ChildProcess process) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    process.close();
    throw new IllegalStateException("HAProxy did not listen on " + port);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public long pid() {
    return process.pid();
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/reviews/1";
  }

  @Override
  public void close() {
    process.close();
  }
}
