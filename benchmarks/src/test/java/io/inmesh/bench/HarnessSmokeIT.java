package io.inmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.bench.harness.Harness;
import io.inmesh.bench.harness.InmeshPolicySet;
import io.inmesh.bench.harness.LoadSettings;
import io.inmesh.bench.harness.RunResult;
import io.inmesh.bench.harness.Variant;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps bench/run from rotting: the no-agent and Inmesh variants for a few seconds each, with the
 * real agent jar, and proof that the Inmesh variant's calls were routed by the mesh's split.
 */
class HarnessSmokeIT {

  private static final LoadSettings BRIEF = new LoadSettings(200, 1, 3, 1, 2);

  @TempDir
  Path work;

  @Test
  void noAgentAndInmeshVariantsRunAndTheMeshSplitsTheCalls() throws Exception {
    Path agent = Path.of(System.getProperty("inmesh.agent.jar",
        "../agent-bootstrap/target/inmesh-agent.jar"));
    try (Harness harness = new Harness(work, agent, null, false)) {
      RunResult direct = harness.run(Variant.NO_AGENT, BRIEF);
      assertHealthy(direct);
      assertEquals(direct.servedByA(), direct.servedByB(), 1, "no agent calls a and b in turn");

      RunResult mesh = harness.run(Variant.INMESH, BRIEF);
      assertHealthy(mesh);
      // The app calls a name only the mesh resolves, so every answer was routed; the split
      // sends v2's share (20 %) to instance b.
      long served = mesh.servedByA() + mesh.servedByB();
      double toB = (double) mesh.servedByB() / served;
      double expected = (double) InmeshPolicySet.V2_WEIGHT
          / (InmeshPolicySet.V1_WEIGHT + InmeshPolicySet.V2_WEIGHT);
      assertTrue(Math.abs(toB - expected) < 0.08,
          "instance b got " + toB + " of " + served + " calls, expected about " + expected);
    }
  }

  private static void assertHealthy(RunResult run) {
    assertEquals(0.0, run.get("fixed.errors") + run.get("max.errors"), run.variant() + " errors");
    assertTrue(run.get("fixed.ok") >= 0.9 * BRIEF.rate() * BRIEF.fixedSeconds(),
        run.variant() + " kept the fixed rate: " + run.app());
    assertTrue(run.get("fixed.p50") > 0 && run.get("fixed.p99") >= run.get("fixed.p50"),
        run.variant() + " latencies: " + run.app());
    assertTrue(run.appCpuPer1k() > 0 && run.get("rss_kib") > 0 && run.get("max.rps") > 0,
        run.variant() + " cost figures: " + run.app());
  }
}
