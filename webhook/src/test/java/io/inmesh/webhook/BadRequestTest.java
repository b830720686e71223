package io.inmesh.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever arrives, the answer is a clear AdmissionReview and the server keeps serving. */
class BadRequestTest {
  @TempDir
  static Path tmp;
  private static WebhookServer server;
  private static AdmissionClient client;

  @BeforeAll
  static void start() throws Exception {
    TestCertificates certs = TestCertificates.generate(tmp, "webhook");
    server = WebhookServer.start(new InetSocketAddress("127.0.0.1", 0), certs.certFile(), certs.keyFile(),
        Duration.ofMinutes(10), InjectionConfig.defaults());
    client = new AdmissionClient(certs.clientContext(), server.address().getPort());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void malformedBodyIsABadRequestReview() throws Exception {
    JsonNode review = error(client.post("/inject", "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": "), 400);
    assertTrue(review.at("/response/status/message").asText().contains("not JSON"), review::toString);
    assertEquals("BadRequest", review.at("/response/status/reason").asText());
    assertTrue(client.get("/healthz").statusCode() == 200, "still serving");
  }

  @Test
  void wrongReviewVersionIsNamed() throws Exception {
    ObjectNode review = AdmissionClient.review(AdmissionClient.fixture("spring-boot"), "shop");
    review.put("apiVersion", "admission.k8s.io/v1beta1");
    JsonNode answer = error(client.post("/inject", review.toString()), 400);
    assertTrue(answer.at("/response/status/message").asText().contains("admissionReviewVersions: [v1]"));
  }

  @Test
  void reviewWithoutUidOrRequestIsRefused() throws Exception {
    error(client.post("/inject", "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}"), 400);
    ObjectNode review = AdmissionClient.review(AdmissionClient.fixture("spring-boot"), "shop");
    ((ObjectNode) review.get("request")).remove("uid");
    error(client.post("/inject", review.toString()), 400);
    error(client.post("/inject", "[1,2,3]"), 400);
  }

  @Test
  void wrongMethodPathAndContentType() throws Exception {
    assertEquals(405, client.get("/inject").statusCode());
    assertEquals(404, client.post("/mutate", "{}").statusCode());
    assertEquals(404, client.post("/inject/other", "{}").statusCode());
  }

  @Test
  void notAPodIsAllowedUnchanged() throws Exception {
    ObjectNode review = AdmissionClient.review(AdmissionClient.fixture("spring-boot"), "shop");
    ObjectNode request = (ObjectNode) review.get("request");
    request.putObject("kind").put("group", "apps").put("version", "v1").put("kind", "Deployment");
    request.putObject("resource").put("group", "apps").put("version", "v1").put("resource", "deployments");
    HttpResponse<String> response = client.post("/inject", review.toString());
    assertEquals(200, response.statusCode());
    JsonNode answer = AdmissionClient.JSON.readTree(response.body());
    assertTrue(answer.at("/response/allowed").asBoolean());
    assertFalse(answer.get("response").has("patch"));
    assertTrue(answer.at("/response/status/message").asText().contains("apps/Deployment"));
  }

  @Test
  void podTheWebhookCannotUnderstandIsAllowedUnchanged() throws Exception {
    ObjectNode noContainers = AdmissionClient.fixture("spring-boot");
    ((ObjectNode) noContainers.get("spec")).remove("containers");
    AdmissionClient.Answer answer = client.inject(noContainers, "shop");
    assertEquals(200, answer.status());
    assertTrue(answer.allowed());
    assertFalse(answer.patched());
    assertTrue(answer.response().get("warnings").get(0).asText().contains("no spec.containers"));

    ObjectNode weirdEnv = AdmissionClient.fixture("spring-boot");
    ((ObjectNode) weirdEnv.at("/spec/containers/0")).put("env", "not a list");
    AdmissionClient.Answer weird = client.inject(weirdEnv, "shop");
    assertTrue(weird.allowed());
    assertFalse(weird.patched());
  }

  @Test
  void plainHttpGetsNoAnswer() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.address().getPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] reply = socket.getInputStream().readNBytes(5);
      assertFalse(new String(reply, StandardCharsets.US_ASCII).startsWith("HTTP/"), "TLS only");
    } catch (java.io.IOException closed) {
      // the TLS layer dropped the connection: also fine
    }
  }

  private static JsonNode error(HttpResponse<String> response, int status) throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    JsonNode review = AdmissionClient.JSON.readTree(response.body());
    assertEquals("AdmissionReview", review.get("kind").asText());
    assertEquals("admission.k8s.io/v1", review.get("apiVersion").asText());
    assertFalse(review.at("/response/allowed").asBoolean());
    assertEquals(status, review.at("/response/status/code").asInt());
    return review;
  }
}
