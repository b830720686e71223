package io.inmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inmesh.it.support.ProbeResult;
import io.inmesh.it.support.ReviewsMesh;
import io.inmesh.it.support.Scrape;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** OkHttp 4.12.0 routed by the mesh. */
class OkHttp4RoutingIT extends ClientRoutingTestBase {
  OkHttp4RoutingIT() {
    super("okhttp-4.12.0", "io.inmesh.it.clients.OkHttpProbe", "okhttp-4.12.0.jar");
  }

  /** OkHttp reports how each routed call ended, so Istio's metrics count its calls. */
  @Test
  @Order(3)
  void callsAreCountedInIstioMetrics() throws Exception {
    String metrics = Scrape.metricsAddress(app());
    int before = Scrape.requests(Scrape.metrics(metrics), "200");
    ProbeResult r = app().call("lib", 10, ReviewsMesh.URL);
    assertEquals(0, r.errors(), r.firstError());
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    int after = before;
    while (after < before + 10 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      after = Scrape.requests(Scrape.metrics(metrics), "200");
    }
    assertEquals(before + 10, after);
  }
}
