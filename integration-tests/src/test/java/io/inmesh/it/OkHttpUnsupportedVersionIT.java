package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.it.apps.ClientProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ClientApps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.ReviewsMesh;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OkHttp 3.11, older than the oldest version the agent supports (3.12): the agent leaves it alone
 * (its calls go where the application sent them, even to a destination the mesh knows) and says
 * so once.
 */
class OkHttpUnsupportedVersionIT {

  @Test
  void anUnsupportedVersionIsLeftAloneAndLoggedOnce(@TempDir Path dir) throws Exception {
    String classpath = ClientApps.classpath("okhttp-3.11.0", "io.inmesh.it.clients.OkHttpProbe",
        dir);
    try (ReviewsMesh mesh = new ReviewsMesh();
        LocalControlPlane controlPlane = LocalControlPlane.onLoopback().start()) {
      controlPlane.setResources("v1", mesh.split(80, 20));
      Path bootstrap = Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri());
      try (AgentJvm app = AgentJvm.start(System.getProperty("java.home"),
          AgentJvm.meshArgs(bootstrap), Map.of(), classpath, ClientProbe.class.getName(),
          "io.inmesh.it.clients.OkHttpProbe")) {
        assertEquals("READY okhttp-3.11.0.jar", app.await("READY", 30));
        controlPlane.awaitOpenStreams(1, Duration.ofSeconds(10));

        ProbeResult direct = app.call("lib", 5, "http://127.0.0.1:" + mesh.v2.port() + "/");
        assertEquals(Map.of("v2", 5), direct.counts(), direct.firstError());
        ProbeResult meshOnly = app.call("lib", 2, ReviewsMesh.URL);
        assertEquals(2, meshOnly.errors(), "not routed: the name exists only in the mesh");
        assertTrue(meshOnly.firstError().contains("UnknownHostException"), meshOnly.firstError());

        List<String> said = app.stderr().stream()
            .filter(l -> l.contains("http.okhttp: okhttp3.OkHttpClient is a version the agent"
                + " does not support"))
            .toList();
        assertEquals(1, said.size(), String.join("\n", app.stderr()));
      }
    }
  }
}
