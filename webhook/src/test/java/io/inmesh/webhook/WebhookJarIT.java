package io.inmesh.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar webhook/target/inmesh-webhook.jar} as the chart's Deployment runs it. */
class WebhookJarIT {
  private static final Path JAR = Path.of(System.getProperty("inmesh.webhook.jar", "target/inmesh-webhook.jar"));

  @TempDir
  Path tmp;

  @Test
  void servesHealthAndInjectionOverTls() throws Exception {
    TestCertificates certs = TestCertificates.generate(tmp, "webhook");
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path log = tmp.resolve("webhook.log");
    ProcessBuilder builder = java().redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("INMESH_WEBHOOK_PORT", String.valueOf(port),
        "INMESH_WEBHOOK_TLS_CERT", certs.certFile().toString(),
        "INMESH_WEBHOOK_TLS_KEY", certs.keyFile().toString(),
        "INMESH_AGENT_IMAGE", "registry.acme.io/inmesh-agent:it",
        "INMESH_XDS_ADDRESS", "istiod.istio-system.svc:15010"));
    Process webhook = builder.start();
    try {
      AdmissionClient client = new AdmissionClient(certs.clientContext(), port);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      int health = 0;
      while (health != 200 && System.nanoTime() < deadline && webhook.isAlive()) {
        try {
          health = client.get("/healthz").statusCode();
        } catch (java.io.IOException notYet) {
          Thread.sleep(100);
        }
      }
      assertEquals(200, health, () -> "webhook did not become healthy: " + read(log));
      AdmissionClient.Answer answer = client.inject(AdmissionClient.fixture("spring-boot"), "shop");
      assertEquals("registry.acme.io/inmesh-agent:it",
          answer.podAfter().getSpec().getInitContainers().get(0).getImage());
      assertTrue(read(log).contains("injected into [petclinic]"), () -> read(log));
    } finally {
      webhook.destroy();
      webhook.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void refusesToStartWithoutTlsFiles() throws Exception {
    ProcessBuilder builder = java().redirectErrorStream(true);
    builder.environment().remove("INMESH_WEBHOOK_TLS_CERT");
    builder.environment().remove("INMESH_WEBHOOK_TLS_KEY");
    Process webhook = builder.start();
    String output = new String(webhook.getInputStream().readAllBytes());
    assertTrue(webhook.waitFor(20, TimeUnit.SECONDS));
    assertEquals(2, webhook.exitValue());
    assertTrue(output.contains("INMESH_WEBHOOK_TLS_CERT is not set"), output);
  }

  private static ProcessBuilder java() {
    assertTrue(Files.isRegularFile(JAR), "build the jar first: " + JAR);
    return new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
