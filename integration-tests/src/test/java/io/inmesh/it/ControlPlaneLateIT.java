package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.ReviewsMesh;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xDS server is down when the application starts: the application runs (its calls pass
 * through untouched, bounded by the resource timeout), and the mesh takes over once the server
 * comes up, without a restart.
 */
class ControlPlaneLateIT {

  @Test
  void runsPassThroughWhileTheServerIsDownThenTheMeshTakesOver(@TempDir Path dir)
      throws Exception {
    int port;
    try (ServerSocket reserve = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = reserve.getLocalPort();
    }
    Path bootstrap = Bootstraps.pilotAgentShaped(dir, "127.0.0.1:" + port);
    try (ReviewsMesh mesh = new ReviewsMesh();
        AgentJvm app = AgentJvm.start("bootstrap=" + bootstrap
            + ",admin=127.0.0.1:0,metrics=127.0.0.1:0", Map.of(),
            HttpProbe.class.getName())) {
      app.await("READY", 30);
      // Pass-through: a direct call works, the mesh-only name fails as it would without the mesh.
      ProbeResult direct = app.call("jdk", 3, "http://127.0.0.1:" + mesh.v1a.port() + "/");
      assertEquals(Map.of("v1", 3), direct.counts(), direct.firstError());
      long start = System.nanoTime();
      ProbeResult before = app.call("jdk", 1, ReviewsMesh.URL);
      long waitedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertEquals(1, before.errors());
      assertTrue(waitedMs < 3000, "the first call waits at most the resource timeout: " + waitedMs);

      try (LocalControlPlane controlPlane = LocalControlPlane.onLoopback(port).start()) {
        controlPlane.setResources("v1", mesh.split(80, 20));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        ProbeResult after;
        do {
          Thread.sleep(100);
          after = app.call("jdk", 10, ReviewsMesh.URL);
        } while (after.errors() > 0 && System.nanoTime() < deadline);
        assertEquals(0, after.errors(), "the mesh took over: " + after.firstError());
        ProbeResult split = app.call("urlconnection", 200, ReviewsMesh.URL);
        assertEquals(0, split.errors(), split.firstError());
        assertTrue(split.count("v2") >= 20 && split.count("v2") <= 60, split.counts().toString());
      }
    }
  }
}
