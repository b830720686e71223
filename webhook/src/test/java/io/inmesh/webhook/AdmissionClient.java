package io.inmesh.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * Plays the API server: sends AdmissionReviews over HTTPS, applies the returned JSON Patch with a real
 * JSON Patch implementation, and reads the result into the fabric8 Pod model.
 */
final class AdmissionClient {
  static final ObjectMapper JSON = new ObjectMapper();
  static final KubernetesSerialization KUBE = new KubernetesSerialization();

  private final HttpClient http;
  private final URI base;

  AdmissionClient(SSLContext tls, int port) {
    this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    this.base = URI.create("https://127.0.0.1:" + port);
  }

  /** The answer to one review: the HTTP status, the AdmissionReview, and the pod it asked for. */
  record Answer(int status, JsonNode review, JsonNode podBefore) {
    JsonNode response() {
      return review.get("response");
    }

    boolean allowed() {
      return response().get("allowed").asBoolean();
    }

    boolean patched() {
      return response().has("patch");
    }

    JsonNode patch() throws Exception {
      if (!"JSONPatch".equals(response().get("patchType").asText())) {
        throw new AssertionError("patchType is not JSONPatch: " + response());
      }
      return JSON.readTree(Base64.getDecoder().decode(response().get("patch").asText()));
    }

    /** The pod as the API server would store it after applying the patch. */
    JsonNode podAfterJson() throws Exception {
      return patched() ? JsonPatch.apply(patch(), podBefore) : podBefore;
    }

    Pod podAfter() throws Exception {
      return KUBE.unmarshal(JSON.writeValueAsString(podAfterJson()), Pod.class);
    }
  }

  static ObjectNode fixture(String name) throws Exception {
    try (InputStream in = AdmissionClient.class.getResourceAsStream("/pods/" + name + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture pods/" + name + ".json");
      }
      return (ObjectNode) JSON.readTree(in);
    }
  }

  /** A review as kube-apiserver sends it for a pod CREATE. */
  static ObjectNode review(JsonNode pod, String namespace) {
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", UUID.randomUUID().toString());
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
    request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
    request.putObject("requestKind").put("group", "").put("version", "v1").put("kind", "Pod");
    request.putObject("requestResource").put("group", "").put("version", "v1").put("resource", "pods");
    request.put("namespace", namespace).put("operation", "CREATE");
    request.putObject("userInfo").put("username", "system:serviceaccount:kube-system:replicaset-controller");
    request.set("object", pod);
    request.putNull("oldObject");
    request.put("dryRun", false);
    request.putObject("options").put("apiVersion", "meta.k8s.io/v1").put("kind", "CreateOptions");
    return review;
  }

  Answer inject(JsonNode pod, String namespace) throws Exception {
    return send("/inject", pod, namespace);
  }

  Answer send(String path, JsonNode pod, String namespace) throws Exception {
    ObjectNode review = review(pod, namespace);
    HttpResponse<String> response = post(path, JSON.writeValueAsString(review));
    Answer answer = new Answer(response.statusCode(), JSON.readTree(response.body()), pod);
    String uid = review.get("request").get("uid").asText();
    if (answer.status() == 200 && !uid.equals(answer.response().get("uid").asText())) {
      throw new AssertionError("the response does not echo the request uid: " + answer.review());
    }
    return answer;
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
