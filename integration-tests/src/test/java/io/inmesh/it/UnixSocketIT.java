package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.ReviewsMesh;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * xDS over a Unix domain socket, as pilot-agent serves it ({@code unix:///etc/istio/proxy/XDS}):
 * this needs netty's native epoll transport inside the agent, relocated and still loadable.
 */
class UnixSocketIT {

  @Test
  void routesWithXdsFromAUnixSocket(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("XDS");
    try (ReviewsMesh mesh = new ReviewsMesh();
        LocalControlPlane controlPlane = LocalControlPlane.onUnixSocket(socket).start()) {
      controlPlane.setResources("v1", mesh.split(80, 20));
      // pilot-agent sometimes writes the path as unix:///./etc/istio/proxy/XDS
      String uri = "unix:///." + socket;
      Path bootstrap = Bootstraps.pilotAgentShaped(dir, uri);
      try (AgentJvm app = AgentJvm.start(AgentJvm.meshArgs(bootstrap), Map.of(),
          HttpProbe.class.getName())) {
        app.await("READY", 30);
        ProbeResult r = app.call("jdk", 200, ReviewsMesh.URL);
        assertEquals(0, r.errors(), r.firstError());
        assertTrue(r.count("v2") >= 20 && r.count("v2") <= 60, r.counts().toString());
        assertTrue(app.stderr().stream().noneMatch(l -> l.contains("ERROR")),
            String.join("\n", app.stderr()));
      }
    }
  }
}
