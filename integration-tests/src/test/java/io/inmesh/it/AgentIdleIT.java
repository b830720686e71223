package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Backend;
import io.inmesh.it.support.ProbeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a usable bootstrap, or switched off, the agent says so in one line and the application
 * runs exactly as without it.
 */
class AgentIdleIT {

  private static Backend backend;

  @BeforeAll
  static void startBackend() throws Exception {
    backend = new Backend("plain");
  }

  @AfterAll
  static void stopBackend() {
    backend.close();
  }

  private static List<String> runApp(String agentArgs, Map<String, String> env) throws Exception {
    try (AgentJvm app = AgentJvm.start(agentArgs, env, HttpProbe.class.getName())) {
      app.await("READY", 30);
      ProbeResult r = app.call("jdk", 5, "http://127.0.0.1:" + backend.port() + "/");
      ProbeResult u = app.call("urlconnection", 5, "http://127.0.0.1:" + backend.port() + "/");
      assertEquals(Map.of("plain", 5), r.counts(), r.firstError());
      assertEquals(Map.of("plain", 5), u.counts(), u.firstError());
      app.send("quit");
      assertTrue(app.exited(10), "the application exits when main returns");
      assertEquals(0, app.exitValue());
      return app.stderr();
    }
  }

  private static List<String> agentLines(List<String> stderr) {
    return stderr.stream().filter(l -> l.contains("[inmesh]")).collect(Collectors.toList());
  }

  @Test
  void noBootstrapLogsOneLineAndPassesThrough() throws Exception {
    List<String> stderr = runApp("", Map.of());
    assertEquals(1, agentLines(stderr).size(), String.join("\n", stderr));
    assertTrue(agentLines(stderr).get(0).contains("no xDS bootstrap"));
    // An idle agent leaves the bootstrap class path (and class data sharing) alone.
    assertEquals(1, stderr.size(), String.join("\n", stderr));
  }

  @Test
  void malformedBootstrapLogsOneClearErrorNamingTheFile(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("grpc-bootstrap.json");
    Files.writeString(bad, "{\"xds_servers\": [ {\"server_uri\": ");
    List<String> stderr = runApp("", Map.of("GRPC_XDS_BOOTSTRAP", bad.toString()));
    List<String> lines = agentLines(stderr);
    assertEquals(1, lines.size(), String.join("\n", stderr));
    assertTrue(lines.get(0).contains("ERROR") && lines.get(0).contains(bad.toString()),
        lines.get(0));
  }

  @Test
  void bootstrapWithoutServersIsRejectedClearly() throws Exception {
    List<String> stderr = runApp("", Map.of("GRPC_XDS_BOOTSTRAP_CONFIG",
        "{\"node\": {\"id\": \"sidecar~127.0.0.5~a.default~default.svc.cluster.local\"}}"));
    List<String> lines = agentLines(stderr);
    assertEquals(1, lines.size(), String.join("\n", stderr));
    assertTrue(lines.get(0).contains("GRPC_XDS_BOOTSTRAP_CONFIG")
        && lines.get(0).contains("xds_servers"), lines.get(0));
  }

  @Test
  void killSwitchKeepsTheAgentIdle() throws Exception {
    List<String> stderr = runApp("", Map.of("INMESH_ENABLED", "false",
        "GRPC_XDS_BOOTSTRAP_CONFIG", "{}"));
    List<String> lines = agentLines(stderr);
    assertEquals(1, lines.size(), String.join("\n", stderr));
    assertTrue(lines.get(0).contains("disabled"), lines.get(0));
  }

  @Test
  void unknownAgentArgumentIsReportedAndTheAgentStaysIdle() throws Exception {
    List<String> lines = agentLines(runApp("bootsrap=/etc/mesh.json", Map.of()));
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).contains("unknown agent argument 'bootsrap'"), lines.get(0));
  }
}
