package io.inmesh.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import org.junit.jupiter.api.Test;

class LabelDerivationTest {

  private static Value s(String v) {
    return Value.newBuilder().setStringValue(v).build();
  }

  @Test
  void pilotAgentNode() {
    Struct labels = Struct.newBuilder()
        .putFields("app", s("reviews"))
        .putFields("version", s("v2"))
        .putFields("service.istio.io/canonical-name", s("reviews-svc"))
        .putFields("service.istio.io/canonical-revision", s("rev2"))
        .build();
    Node node = Node.newBuilder()
        .setId("sidecar~127.1.2.3~reviews-v2-7d9f8c6b5-abcde.bookinfo~bookinfo.svc.cluster.local")
        .setMetadata(Struct.newBuilder()
            .putFields("NAME", s("reviews-v2-7d9f8c6b5-abcde"))
            .putFields("NAMESPACE", s("bookinfo"))
            .putFields("WORKLOAD_NAME", s("reviews-v2"))
            .putFields("CLUSTER_ID", s("Kubernetes"))
            .putFields("LABELS", Value.newBuilder().setStructValue(labels).build()))
        .build();
    assertEquals(new SourceWorkload("reviews-v2", "bookinfo", "unknown", "reviews", "v2",
        "reviews-svc", "rev2", "Kubernetes"), SourceWorkload.fromNode(node));
  }

  @Test
  void minimalNodeId() {
    Node node = Node.newBuilder()
        .setId("sidecar~127.1.2.3~productpage-v1-6b746f74dc-9stvs.default~default.svc.cluster.local")
        .build();
    SourceWorkload w = SourceWorkload.fromNode(node);
    assertEquals(new SourceWorkload("productpage-v1", "default", "unknown", "productpage-v1",
        "latest", "productpage-v1", "latest", "unknown"), w);
  }

  @Test
  void nothingKnown() {
    assertEquals(SourceWorkload.UNKNOWN_WORKLOAD, SourceWorkload.fromNode(null));
    SourceWorkload w = SourceWorkload.fromNode(Node.newBuilder().setId("whatever").build());
    assertEquals("unknown", w.workload());
    assertEquals("unknown", w.namespace());
    assertEquals("latest", w.canonicalRevision());
  }

  @Test
  void podNames() {
    assertEquals("reviews-v1", SourceWorkload.workloadOfPod("reviews-v1-545db77b95-x2b4c"));
    assertEquals("web", SourceWorkload.workloadOfPod("web-0"));
    assertEquals("agent", SourceWorkload.workloadOfPod("agent-x2b4c"));
    assertEquals("plain", SourceWorkload.workloadOfPod("plain"));
  }

  @Test
  void endpointWorkloadMetadata() {
    assertEquals(new DestinationWorkload("reviews-v1", "default", "reviews", "latest", "c1"),
        DestinationWorkload.parse("reviews-v1;default;reviews;;c1"));
    assertEquals("v1", DestinationWorkload.parse("a;b;c;v1;d").canonicalRevision());
    assertNull(DestinationWorkload.parse("too;few"));
    assertNull(DestinationWorkload.parse(null));
  }

  @Test
  void destinationFromClusterName() {
    Destination d = Destination.of("outbound|9080|v1|reviews.default.svc.cluster.local", null);
    assertEquals("reviews.default.svc.cluster.local", d.service());
    assertEquals("reviews", d.serviceName());
    assertEquals("default", d.serviceNamespace());
    assertEquals("v1", d.version());
    assertEquals("unknown", d.workload());

    Destination noSubset = Destination.of("outbound|80||httpbin.org", null);
    assertEquals("httpbin.org", noSubset.service());
    assertEquals("httpbin.org", noSubset.serviceName());
    assertEquals("unknown", noSubset.serviceNamespace());
    assertEquals("unknown", noSubset.version());

    assertEquals("unknown",
        Destination.of("outbound|80|canary|a.b.svc.cluster.local", null).version());
    assertEquals("static-cluster", Destination.of("static-cluster", null).service());
    assertEquals(Destination.NONE, Destination.of(null, null));
    assertEquals("a.ns.svc.cluster.local",
        Destination.of(null, "a.ns.svc.cluster.local:8080").service());
  }
}
