package io.inmesh.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerLifecycleTest {

  @Test
  void portInUseIsNotFatal() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InetSocketAddress busy = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
      IstioMetrics metrics = new IstioMetrics(SourceWorkload.UNKNOWN_WORKLOAD,
          EndpointMetadata.NONE);
      assertNull(MetricsServer.start(busy, metrics));
      assertNull(AdminServer.start(busy, metrics, () -> true, () -> null));
      Telemetry t = Telemetry.start(new TelemetryConfig(busy,
          new InetSocketAddress("127.0.0.1", 0), AccessLogConfig.OFF, 0),
          SourceWorkload.UNKNOWN_WORKLOAD, EndpointMetadata.NONE, AgentHealth.NONE, () -> null);
      assertNull(t.adminAddress());
      assertEquals(200, Http.get(t.metricsAddress(), "/stats/prometheus").status());
      t.listener().onCall(Calls.ok(Calls.REVIEWS_V1, 200, 1, 1, 1));
      t.close();
    }
  }

  @Test
  void addresses() {
    assertEquals(new InetSocketAddress("127.0.0.1", 15000),
        TelemetryConfig.address(TelemetryConfig.DEFAULT_ADMIN));
    assertEquals(15090, TelemetryConfig.address(":15090").getPort());
    assertNull(TelemetryConfig.address("off"));
    assertEquals(TelemetryConfig.address(TelemetryConfig.DEFAULT_METRICS),
        TelemetryConfig.defaults().metricsAddress());
  }

  /**
   * A JVM whose main starts every telemetry server (and the access log writer) and returns must
   * exit: every thread is a daemon. The child also binds a busy port and must log it, not die.
   */
  @Test
  void jvmExitsWhenMainReturnsWithServersRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String java = System.getProperty("java.home") + File.separator + "bin" + File.separator
          + "java";
      Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
          ServersMain.class.getName(), Integer.toString(taken.getLocalPort())))
          .redirectErrorStream(true).start();
      boolean exited = p.waitFor(30, TimeUnit.SECONDS);
      if (!exited) {
        p.destroyForcibly();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(exited, "the JVM did not exit with the servers running:\n" + out);
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("main returns"), out);
      assertTrue(out.contains("cannot listen on /127.0.0.1:" + taken.getLocalPort()), out);
      assertTrue(out.contains("served 200"), out);
    }
  }
}
