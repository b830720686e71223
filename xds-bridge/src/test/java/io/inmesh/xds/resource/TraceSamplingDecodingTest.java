package io.inmesh.xds.resource;

import static io.inmesh.xds.MeshResources.ROUTE_NAME;
import static io.inmesh.xds.MeshResources.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.type.v3.Percent;
import io.inmesh.policies.route.TraceSampling;
import io.inmesh.xds.MeshResources;
import org.junit.jupiter.api.Test;

/** HttpConnectionManager {@code tracing} sampling percentages, decoded from real protos. */
class TraceSamplingDecodingTest {

  private static ListenerUpdate parse(HttpConnectionManager.Tracing tracing)
      throws ResourceException {
    HttpConnectionManager.Builder hcm = MeshResources.hcm().setRds(Rds.newBuilder()
        .setRouteConfigName(ROUTE_NAME).setConfigSource(ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())));
    if (tracing != null) {
      hcm.setTracing(tracing);
    }
    return new ListenerResourceType().decode(Any.pack(MeshResources.listener(TARGET,
        hcm.build()))).value();
  }

  @Test
  void percentagesWithEnvoysDefaultsOf100() throws Exception {
    assertNull(parse(null).traceSampling());
    assertEquals(new TraceSampling(100, 100, 100),
        parse(HttpConnectionManager.Tracing.getDefaultInstance()).traceSampling());
    TraceSampling s = parse(HttpConnectionManager.Tracing.newBuilder()
        .setRandomSampling(Percent.newBuilder().setValue(10))
        .setOverallSampling(Percent.newBuilder().setValue(50)).build()).traceSampling();
    assertEquals(new TraceSampling(100, 10, 50), s);
    assertEquals(0.05, s.probability(false), 1e-9);
    assertEquals(0.5, s.probability(true), 1e-9);
  }

  @Test
  void aPercentageOutOfRangeIsNacked() {
    ResourceException e = assertThrows(ResourceException.class, () -> parse(
        HttpConnectionManager.Tracing.newBuilder()
            .setRandomSampling(Percent.newBuilder().setValue(150)).build()));
    assertTrue(e.reason().contains("random_sampling"), e.reason());
  }
}
