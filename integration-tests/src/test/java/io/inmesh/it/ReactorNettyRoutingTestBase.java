package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.ReviewsMesh;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientRoutingTestBase} for Reactor Netty's HttpClient, where one scenario differs: the
 * agent picks the connection before the request line exists and cannot rewrite it, so a local reply
 * fails the call with the mesh's message instead of reaching the application as a 503 response.
 */
abstract class ReactorNettyRoutingTestBase extends ClientRoutingTestBase {

  ReactorNettyRoutingTestBase(String clientApp, String libraryJar) {
    super(clientApp, "io.inmesh.it.clients.ReactorNettyProbe", libraryJar);
  }

  @Override
  boolean appliesRequestChanges() {
    return false;
  }

  @Override
  boolean reportsOutcomes() {
    return true;
  }

  @Override
  boolean answersLocalRepliesAsResponses() {
    return false;
  }

  @Override
  @Test
  @Order(8)
  void answersNoHealthyUpstreamLocallyAsEnvoyWould() throws Exception {
    publish(mesh().allToV2WithoutEndpoints());
    ProbeResult r;
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    do {
      r = app().call("lib", 10, ReviewsMesh.URL);
    } while (r.errors() < 10 && System.nanoTime() < deadline);
    assertEquals(10, r.errors(), r.counts().toString());
    assertTrue(r.firstError().contains("inmesh: 503 UH"), r.firstError());
  }
}
