package io.inmesh.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class WorkloadNameTest {

  @Test
  void deploymentNotReplicaSet() {
    assertEquals("petclinic", name("{\"generateName\":\"petclinic-7c9f6d5b8d-\","
        + "\"labels\":{\"pod-template-hash\":\"7c9f6d5b8d\"},"
        + "\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"petclinic-7c9f6d5b8d\",\"controller\":true}]}"));
  }

  @Test
  void bareReplicaSetKeepsItsName() {
    assertEquals("legacy-rs", name("{\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"legacy-rs\"}]}"));
  }

  @Test
  void cronJobNotItsJob() {
    assertEquals("nightly-report", name(
        "{\"ownerReferences\":[{\"kind\":\"Job\",\"name\":\"nightly-report-28577160\",\"controller\":true}]}"));
    assertEquals("migrate-db", name("{\"ownerReferences\":[{\"kind\":\"Job\",\"name\":\"migrate-db\"}]}"));
  }

  @Test
  void controllerReferenceWins() {
    assertEquals("ingest", name("{\"ownerReferences\":[{\"kind\":\"ConfigMap\",\"name\":\"other\"},"
        + "{\"kind\":\"StatefulSet\",\"name\":\"ingest\",\"controller\":true}]}"));
  }

  @Test
  void barePod() {
    assertEquals("debug-shell", name("{\"name\":\"debug-shell\"}"));
    assertEquals("batch", name("{\"generateName\":\"batch-\"}"));
  }

  private static String name(String metadata) {
    return WorkloadName.of(Pod.of(JsonParser.parseString(
        "{\"metadata\":" + metadata + ",\"spec\":{\"containers\":[{\"name\":\"a\"}]}}"), "ns"));
  }
}
