package io.inmesh.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

  @Test
  void defaults() {
    AgentConfig c = AgentConfig.from(null, Map.of());
    assertTrue(c.enabled());
    assertEquals(null, c.bootstrap());
    assertEquals(1000, c.resourceTimeout().toMillis());
    assertEquals(1000, c.maxTargets());
  }

  @Test
  void agentArgumentsWinOverTheEnvironment() {
    AgentConfig c = AgentConfig.from("bootstrap=/etc/mesh.json,resource_timeout_ms=250",
        Map.of("INMESH_BOOTSTRAP", "/other.json", "INMESH_MAX_TARGETS", "7",
            "INMESH_ENABLED", "true"));
    assertEquals("/etc/mesh.json", c.bootstrap());
    assertEquals(250, c.resourceTimeout().toMillis());
    assertEquals(7, c.maxTargets());
  }

  @Test
  void listValuesKeepTheirCommas() {
    AgentConfig c = AgentConfig.from(
        "exclude_ports=5432,6379,exclude_hosts=db.example.com,*.internal.example,log_level=debug",
        Map.of());
    assertTrue(c.exclusions().excludes("db.example.com", 80));
    assertTrue(c.exclusions().excludes("a.internal.example", 80));
    assertTrue(c.exclusions().excludes("anything", 6379));
    assertFalse(c.exclusions().excludes("reviews", 9080));
    assertEquals("debug", c.logLevel());
  }

  @Test
  void badInputIsAClearError() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> AgentConfig.from("bootsrap=/x", Map.of()));
    assertTrue(unknown.getMessage().contains("unknown agent argument 'bootsrap'"));
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> AgentConfig.from(null, Map.of("INMESH_RESOURCE_TIMEOUT_MS", "-5")));
    assertTrue(negative.getMessage().contains("resource_timeout_ms"));
    assertThrows(IllegalArgumentException.class,
        () -> AgentConfig.from("exclude_cidrs=127.0.0.0/33", Map.of()));
  }

  @Test
  void theAccessLogTokenComesFromTheEnvironmentAndIsNeverPrinted() {
    String token = "11111111-2222-3333-4444-555555555555";
    AgentConfig c = AgentConfig.from(
        "access_log=http://127.0.0.1:8088/services/collector/event",
        Map.of("INMESH_ACCESS_LOG_TOKEN", token));
    assertEquals(token, c.accessLogToken());
    assertEquals("http://127.0.0.1:8088/services/collector/event", c.accessLog());
    assertFalse(c.describe().contains(token), c.describe());
    assertFalse(c.toString().contains(token), c.toString());
    assertEquals("t2", AgentConfig.from("access_log_token=t2", Map.of()).accessLogToken());
  }
}
