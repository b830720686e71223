package io.inmesh.it;

import static io.inmesh.examples.controlplane.IstiodShapes.cluster;
import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.defaultRoute;
import static io.inmesh.examples.controlplane.IstiodShapes.endpoints;
import static io.inmesh.examples.controlplane.IstiodShapes.listener;
import static io.inmesh.examples.controlplane.IstiodShapes.routeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.ClientProbe;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Backend;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ClientApps;
import io.inmesh.it.support.ProbeResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DestinationRule's connection pool as Envoy's circuit breakers ({@code http2MaxRequests} 2:
 * {@code max_requests}; {@code http1MaxPendingRequests} 1: {@code max_pending_requests}) in
 * process, against a slow service and bursts of five calls at once: calls over
 * {@code max_requests} are answered 503 {@code UO} without being sent, except that calls that
 * block their caller queue, one of them ({@code max_pending_requests}), until a call ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CircuitBreakerIT {

  private static final String HOST = "ratings.default.svc.cluster.local";
  private static final int PORT = 9080;
  private static final String URL = "http://" + HOST + ":" + PORT + "/ratings/1";
  private static final String APACHE5_PROBE = "io.inmesh.it.clients.ApacheHttpClient5Probe";
  private static final Map<String, Integer> TWO_SENT_THREE_OVERFLOW =
      Map.of("slow", 2, "status-503-UO", 3);
  private static final Map<String, Integer> ONE_QUEUED =
      Map.of("slow", 3, "status-503-UO", 2);

  private Backend slow;
  private LocalControlPlane controlPlane;
  private AgentJvm jdk;
  private AgentJvm apache5;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    slow = new Backend("slow", null, 200, 1500);
    controlPlane = LocalControlPlane.onLoopback().start();
    String v1 = clusterName(HOST, PORT, "v1");
    controlPlane.setResources("1", new XdsResources(
        List.of(listener(HOST, PORT)),
        List.of(routeConfig(HOST, PORT, List.of(defaultRoute(v1)))),
        List.of(cluster(HOST, PORT, "v1").toBuilder().setCircuitBreakers(CircuitBreakers
            .newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
                .setPriority(RoutingPriority.DEFAULT)
                .setMaxRequests(UInt32Value.of(2))
                .setMaxPendingRequests(UInt32Value.of(1)))).build()),
        List.of(endpoints(v1, "127.0.0.1:" + slow.port()))));
    Path bootstrap = Bootstraps.pilotAgentShaped(dir, controlPlane.serverUri());
    jdk = AgentJvm.start(AgentJvm.meshArgs(bootstrap), Map.of(), HttpProbe.class.getName());
    apache5 = AgentJvm.start(System.getProperty("java.home"), AgentJvm.meshArgs(bootstrap),
        Map.of(), ClientApps.classpath("httpclient5-5.6.5", APACHE5_PROBE, dir),
        ClientProbe.class.getName(), APACHE5_PROBE);
    jdk.await("READY", 30);
    apache5.await("READY", 30);
    // one call each first, so the bursts do not race the first xDS answer
    assertEquals(Map.of("slow", 1), jdk.call("jdk", 1, URL).counts());
    assertEquals(Map.of("slow", 1), apache5.call("lib", 1, URL).counts());
  }

  @AfterAll
  void stop() {
    jdk.close();
    apache5.close();
    controlPlane.close();
    slow.close();
  }

  @Test
  void asynchronousCallsOverMaxRequestsOverflowWith503Uo() throws Exception {
    ProbeResult r = jdk.burst("jdkasync", 5, URL);
    assertEquals(TWO_SENT_THREE_OVERFLOW, r.counts(), r.firstError());
  }

  @Test
  void blockingCallsQueueUpToMaxPendingRequests() throws Exception {
    ProbeResult send = jdk.burst("jdk", 5, URL);
    assertEquals(ONE_QUEUED, send.counts(), send.firstError());
    ProbeResult apache = apache5.burst("lib", 5, URL);
    assertEquals(ONE_QUEUED, apache.counts(), apache.firstError());
    ProbeResult urlConnection = jdk.burst("urlconnection", 5, URL);
    assertEquals(ONE_QUEUED, urlConnection.counts(), urlConnection.firstError());
  }
}
