package io.inmesh.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InmeshAgentTest {

  @Test
  void readsTheFeatureVersionOfEveryJavaSpecificationVersionFormat() {
    assertEquals(8, InmeshAgent.javaFeatureVersion("1.8"));
    assertEquals(11, InmeshAgent.javaFeatureVersion("11"));
    assertEquals(17, InmeshAgent.javaFeatureVersion("17"));
    assertEquals(25, InmeshAgent.javaFeatureVersion("25"));
    assertEquals(0, InmeshAgent.javaFeatureVersion(null));
    assertEquals(0, InmeshAgent.javaFeatureVersion("unknown"));
  }

  @Test
  void theKillSwitchIsAnAgentArgument() {
    assertTrue(InmeshAgent.disabled("bootstrap=/etc/x.json,enabled=false"));
    assertTrue(InmeshAgent.disabled(" enabled=FALSE "));
    assertFalse(InmeshAgent.disabled("bootstrap=/etc/x.json"));
    assertFalse(InmeshAgent.disabled(null));
  }
}
