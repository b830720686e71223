package io.inmesh.telemetry.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TracingConfigTest {

  private static TracingConfig from(String mode, Map<String, String> env) {
    return TracingConfig.from(mode, env, new Properties());
  }

  @Test
  void offUnlessAnExporterOrEndpointIsConfigured() {
    assertFalse(from("auto", Map.of()).enabled());
    assertFalse(from(null, Map.of("OTEL_SERVICE_NAME", "x")).enabled());
    assertTrue(from("auto", Map.of("OTEL_TRACES_EXPORTER", "otlp")).enabled());
    assertTrue(from("auto", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")).enabled());
    assertTrue(from("on", Map.of()).enabled());
    assertFalse(from("off", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")).enabled());
    assertFalse(from("auto", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
        "OTEL_TRACES_EXPORTER", "none")).enabled());
    assertFalse(from("auto", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
        "OTEL_SDK_DISABLED", "true")).enabled());
  }

  @Test
  void endpointsFollowTheSpecification() {
    assertEquals("http://localhost:4318/v1/traces", from("on", Map.of()).endpoint());
    assertEquals("http://localhost:4317",
        from("on", Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")).endpoint());
    assertEquals("http://c:4318/v1/traces",
        from("auto", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")).endpoint());
    assertEquals("http://c:4318/base/v1/traces",
        from("auto", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/base/")).endpoint());
    assertEquals("http://c:4317", from("auto", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")).endpoint());
    assertEquals("http://t:1/custom", from("auto", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://c:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://t:1/custom")).endpoint());
  }

  @Test
  void signalSpecificAndSystemPropertiesWin() {
    Properties p = new Properties();
    p.setProperty("otel.exporter.otlp.traces.protocol", "grpc");
    TracingConfig c = TracingConfig.from("on", Map.of("OTEL_EXPORTER_OTLP_PROTOCOL",
        "http/protobuf", "OTEL_EXPORTER_OTLP_TIMEOUT", "2500",
        "OTEL_EXPORTER_OTLP_HEADERS", "a=1,b=x%2Cy", "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=2",
        "OTEL_PROPAGATORS", "b3multi,baggage,jaeger", "OTEL_TRACES_SAMPLER",
        "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG", "0.25"), p);
    assertEquals("grpc", c.protocol());
    assertEquals(Duration.ofMillis(2500), c.timeout());
    assertEquals(Map.of("a", "1", "b", "2"), c.headers());
    assertEquals(List.of("b3multi"), c.propagators());
    assertEquals("parentbased_traceidratio", c.sampler());
    assertEquals(0.25, c.samplerArg());
    assertEquals(List.of("tracecontext"), from("on", Map.of()).propagators());
  }

  @Test
  void badValuesNameTheVariable() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> from("on",
        Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"))).getMessage()
        .contains("OTEL_EXPORTER_OTLP_PROTOCOL"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> from("on",
        Map.of("OTEL_TRACES_SAMPLER_ARG", "2"))).getMessage()
        .contains("OTEL_TRACES_SAMPLER_ARG"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> from("on",
        Map.of("OTEL_TRACES_EXPORTER", "zipkin"))).getMessage().contains("otlp only"));
    assertThrows(IllegalArgumentException.class, () -> from("maybe", Map.of()));
    assertThrows(IllegalArgumentException.class, () -> from("on",
        Map.of("OTEL_RESOURCE_ATTRIBUTES", "novalue")));
  }
}
