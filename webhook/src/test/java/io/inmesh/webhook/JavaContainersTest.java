package io.inmesh.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class JavaContainersTest {

  @Test
  void jvmShownByImageCommandOrEnvironment() {
    assertEquals(List.of(1, 2, 3), select("{\"name\":\"envoy\",\"image\":\"envoyproxy/envoy:v1.30\"},"
        + "{\"name\":\"a\",\"image\":\"amazoncorretto:21\"},"
        + "{\"name\":\"b\",\"image\":\"acme/b:1\",\"command\":[\"/bin/sh\",\"-c\",\"exec java -jar b.jar\"]},"
        + "{\"name\":\"c\",\"image\":\"acme/c:1\",\"env\":[{\"name\":\"JAVA_HOME\",\"value\":\"/opt/java\"}]},"
        + "{\"name\":\"redis\",\"image\":\"redis:7\",\"args\":[\"--appendonly\",\"yes\"]}"));
  }

  @Test
  void buildpackImageWithoutHintsStillGetsTheAgentButIstioProxyNever() {
    assertEquals(List.of(0), select("{\"name\":\"orders\",\"image\":\"acme/orders:1.4\"},"
        + "{\"name\":\"istio-proxy\",\"image\":\"istio/proxyv2:1.22.0\"}"));
  }

  private static List<Integer> select(String containers) {
    return JavaContainers.select(Pod.of(JsonParser.parseString(
        "{\"metadata\":{},\"spec\":{\"containers\":[" + containers + "]}}"), "ns"));
  }
}
