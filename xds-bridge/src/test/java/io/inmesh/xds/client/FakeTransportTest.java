package io.inmesh.xds.client;

import static io.inmesh.xds.MeshResources.ROUTE_NAME;
import static io.inmesh.xds.MeshResources.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.inmesh.xds.MeshResources;
import io.inmesh.xds.bootstrap.BootstrapParser;
import io.inmesh.xds.resource.ClusterResourceType;
import io.inmesh.xds.resource.ListenerResourceType;
import io.inmesh.xds.resource.RouteConfigResourceType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Drives the ADS state machine through a scripted transport: per-resource NACK semantics. */
class FakeTransportTest {

  private final LinkedBlockingQueue<DiscoveryRequest> sent = new LinkedBlockingQueue<>();
  private volatile XdsTransport.StreamListener server;

  private final XdsTransport transport = new XdsTransport() {
    @Override
    public Stream start(StreamListener listener) {
      server = listener;
      return new Stream() {
        @Override
        public void send(DiscoveryRequest request) {
          sent.add(request);
        }

        @Override
        public void cancel(String reason) {}
      };
    }

    @Override
    public void close() {}
  };

  private DiscoveryRequest next() throws InterruptedException {
    DiscoveryRequest r = sent.poll(2, TimeUnit.SECONDS);
    assertNotNull(r, "expected a request");
    return r;
  }

  private static DiscoveryResponse response(String typeUrl, String version, String nonce,
      com.google.protobuf.Message... resources) {
    DiscoveryResponse.Builder b = DiscoveryResponse.newBuilder().setTypeUrl(typeUrl)
        .setVersionInfo(version).setNonce(nonce);
    for (var r : resources) {
      b.addResources(Any.pack(r));
    }
    return b.build();
  }

  @Test
  void validResourcesAreAcceptedWhileTheBadOneIsNackedAndKeepsItsLastGoodValue()
      throws Exception {
    var bootstrap = new BootstrapParser().parse("{\"xds_servers\": [{\"server_uri\": \"x:1\","
        + " \"channel_creds\": [{\"type\": \"insecure\"}]}], \"node\": {\"id\": \"n\","
        + " \"metadata\": {\"GENERATOR\": \"grpc\"}}}", "test");
    String other = "ratings.default.svc.cluster.local:9080";
    try (XdsClient client = XdsClient.start(bootstrap,
        XdsClientSettings.defaults().withResourceTimeout(Duration.ofMillis(50)), transport)) {
      client.watchTarget(TARGET);
      DiscoveryRequest first = next();
      assertEquals("n", first.getNode().getId(), "node on the first request of the stream");
      assertEquals(List.of(TARGET), first.getResourceNamesList());
      client.watchTarget(other);
      DiscoveryRequest second = next();
      assertEquals(List.of(other, TARGET), second.getResourceNamesList(), "sorted names");
      assertTrue(!second.hasNode(), "node only once per stream");

      server.onResponse(response(ListenerResourceType.TYPE_URL, "1", "a",
          MeshResources.listener(TARGET, ROUTE_NAME), MeshResources.listener(other, "r2")));
      DiscoveryRequest ack = next();
      assertEquals("1", ack.getVersionInfo());
      assertEquals("a", ack.getResponseNonce());
      DiscoveryRequest rds = next();
      assertEquals(RouteConfigResourceType.TYPE_URL, rds.getTypeUrl());
      assertEquals(List.of(ROUTE_NAME, "r2"), rds.getResourceNamesList());

      // Version 2: TARGET switches its route name, other is broken (sidecar-shaped).
      server.onResponse(response(ListenerResourceType.TYPE_URL, "2", "b",
          MeshResources.listener(TARGET, "r3"), Listener.newBuilder().setName(other).build()));
      DiscoveryRequest nack = next();
      assertEquals("1", nack.getVersionInfo(), "NACK echoes the last good version");
      assertEquals("b", nack.getResponseNonce());
      assertTrue(nack.getErrorDetail().getMessage().contains(other + ": listener has no"),
          nack.getErrorDetail().getMessage());
      DiscoveryRequest rds2 = next();
      assertEquals(List.of("r2", "r3"), rds2.getResourceNamesList(),
          "TARGET's valid update was applied; other keeps its last good listener (r2)");
      assertEquals(1, client.stats().nacks());

      // RDS: a response without r2 does not delete it (only LDS/CDS absence deletes).
      server.onResponse(response(RouteConfigResourceType.TYPE_URL, "1", "c",
          MeshResources.reviewsRoutes(null).toBuilder().setName("r2").build()));
      next();
      next(); // CDS subscription follows
      server.onResponse(response(RouteConfigResourceType.TYPE_URL, "2", "d",
          MeshResources.reviewsRoutes(null).toBuilder().setName("r3").build()));
      next();
      // Routes serve once their clusters have settled: here the server knows none of them.
      server.onResponse(response(ClusterResourceType.TYPE_URL, "1", "c2"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while ((client.snapshot().routesByTarget().size() < 2) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals("r2", client.snapshot().routesByTarget().get(other).name());
      assertEquals("r3", client.snapshot().routesByTarget().get(TARGET).name());

      // LDS state of the world: other missing from a response means deleted.
      server.onResponse(response(ListenerResourceType.TYPE_URL, "3", "e",
          MeshResources.listener(TARGET, "r3")));
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (client.awaitTarget(other) != TargetState.ABSENT && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(TargetState.ABSENT, client.awaitTarget(other));
    }
  }
}
