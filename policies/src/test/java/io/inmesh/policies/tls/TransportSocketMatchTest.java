package io.inmesh.policies.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.cluster.HealthStatus;
import io.inmesh.policies.cluster.UpstreamCluster;
import io.inmesh.policies.cluster.UpstreamCluster.LbPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Envoy's {@code transport_socket_matches} rule, as {@link UpstreamCluster#tlsFor} runs it. */
class TransportSocketMatchTest {

  private static final UpstreamTls MESH = tls("spiffe");
  private static final UpstreamTls OWN = tls("own");
  private static final TransportSocketMatch ISTIO =
      new TransportSocketMatch("tlsMode-istio", Map.of("tlsMode", "istio"), MESH);
  private static final TransportSocketMatch DISABLED =
      new TransportSocketMatch("tlsMode-disabled", Map.of(), null);

  private static UpstreamTls tls(String name) {
    return new UpstreamTls(new CertificateSource("default", name),
        new CertificateSource("default", "ROOTCA"), List.of(), null, List.of());
  }

  private static UpstreamCluster cluster(UpstreamTls own, TransportSocketMatch... matches) {
    return new UpstreamCluster("outbound|9080||reviews", "outbound|9080||reviews",
        LbPolicy.ROUND_ROBIN, null, null, null, own, List.of(matches));
  }

  private static Endpoint endpoint(Map<String, Object> labels, Map<String, Object> locality) {
    return new Endpoint("127.96.1.1", 9080, 1, HealthStatus.HEALTHY, null, null,
        SocketMatchLabels.of(labels, locality));
  }

  @Test
  void criteriaAreASubsetOfTheEndpointsLabelsWithEqualTypedValues() {
    assertTrue(ISTIO.matches(Map.of("tlsMode", "istio")));
    assertTrue(ISTIO.matches(Map.of("tlsMode", "istio", "other", true)), "extra labels are fine");
    assertFalse(ISTIO.matches(Map.of("tlsMode", "disabled")));
    assertFalse(ISTIO.matches(Map.of()));
    assertTrue(DISABLED.matches(Map.of()), "empty criteria match an endpoint without metadata");
    TransportSocketMatch flag = new TransportSocketMatch("mtls", Map.of("acceptMTLS", true), MESH);
    assertTrue(flag.matches(Map.of("acceptMTLS", true)));
    assertFalse(flag.matches(Map.of("acceptMTLS", "true")), "a string is not a boolean");
  }

  @Test
  void firstMatchInOrderWins() {
    UpstreamCluster istiod = cluster(null, ISTIO, DISABLED);
    assertSame(MESH, istiod.tlsFor(endpoint(Map.of("tlsMode", "istio"), Map.of())));
    assertNull(istiod.tlsFor(endpoint(Map.of(), Map.of())));
    assertNull(istiod.tlsFor(endpoint(Map.of("tlsMode", "disabled"), Map.of())));
    UpstreamCluster reversed = cluster(null, DISABLED, ISTIO);
    assertNull(reversed.tlsFor(endpoint(Map.of("tlsMode", "istio"), Map.of())),
        "the catch-all first shadows the mTLS match");
  }

  @Test
  void endpointLabelsThenLocalityLabelsThenTheClustersOwnSocket() {
    UpstreamCluster onlyIstio = cluster(OWN, ISTIO);
    assertSame(MESH, onlyIstio.tlsFor(endpoint(Map.of(), Map.of("tlsMode", "istio"))));
    assertSame(OWN, onlyIstio.tlsFor(endpoint(Map.of("tlsMode", "disabled"), Map.of())));
    // the endpoint's own labels are checked against every match before the locality's
    UpstreamCluster both = cluster(null, new TransportSocketMatch("loc", Map.of("zone", "a"),
        OWN), ISTIO);
    assertSame(MESH, both.tlsFor(endpoint(Map.of("tlsMode", "istio"), Map.of("zone", "a"))));
  }

  @Test
  void withoutMatchesTheClustersSocketAppliesToEveryEndpoint() {
    UpstreamCluster proxyless = cluster(OWN);
    assertSame(OWN, proxyless.tlsFor(endpoint(Map.of("tlsMode", "istio"), Map.of())));
    assertTrue(proxyless.mayUseTls());
    assertFalse(cluster(null, DISABLED).mayUseTls());
    assertTrue(cluster(null, ISTIO, DISABLED).mayUseTls());
  }
}
