package io.inmesh.webhook;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** The {@code admission.k8s.io/v1} AdmissionReview wire format, in and out. */
final class AdmissionReview {
  static final String API_VERSION = "admission.k8s.io/v1";
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /** A body that is not an AdmissionReview this webhook can answer. */
  static final class BadReview extends Exception {
    final String uid;

    BadReview(String uid, String message) {
      super(message);
      this.uid = uid;
    }
  }

  /** The parts of {@code request} the webhook uses. */
  record Request(String uid, String group, String kind, String resource, String subResource,
      String operation, String namespace, JsonElement object) {

    boolean isPodCreate() {
      return group.isEmpty() && "Pod".equals(kind) && "pods".equals(resource)
          && subResource.isEmpty() && "CREATE".equals(operation);
    }
  }

  private AdmissionReview() {}

  static Request parse(String body) throws BadReview {
    JsonElement root;
    try {
      root = JsonParser.parseString(body);
    } catch (JsonParseException | StackOverflowError e) {
      throw new BadReview("", "the body is not JSON: " + e.getMessage());
    }
    if (!root.isJsonObject()) {
      throw new BadReview("", "the body is not a JSON object");
    }
    JsonObject review = root.getAsJsonObject();
    String apiVersion = Pod.string(review, "apiVersion");
    String kind = Pod.string(review, "kind");
    if (!"AdmissionReview".equals(kind) || !API_VERSION.equals(apiVersion)) {
      throw new BadReview("", "expected kind AdmissionReview, apiVersion " + API_VERSION + "; got kind "
          + kind + ", apiVersion " + apiVersion + " (set admissionReviewVersions: [v1])");
    }
    JsonElement requestElement = review.get("request");
    if (requestElement == null || !requestElement.isJsonObject()) {
      throw new BadReview("", "the AdmissionReview has no request");
    }
    JsonObject request = requestElement.getAsJsonObject();
    String uid = Pod.string(request, "uid");
    if (uid == null || uid.isEmpty()) {
      throw new BadReview("", "the AdmissionReview request has no uid");
    }
    JsonObject kindObject = object(request, "kind");
    JsonObject resourceObject = object(request, "resource");
    return new Request(uid, orEmpty(Pod.string(kindObject, "group")), orEmpty(Pod.string(kindObject, "kind")),
        orEmpty(Pod.string(resourceObject, "resource")), orEmpty(Pod.string(request, "subResource")),
        orEmpty(Pod.string(request, "operation")), orEmpty(Pod.string(request, "namespace")),
        request.get("object"));
  }

  /** Allowed, with the patch when there is one. */
  static String allowed(String uid, JsonArray patch, String message, List<String> warnings) {
    JsonObject response = new JsonObject();
    response.addProperty("uid", uid);
    response.addProperty("allowed", true);
    if (patch != null) {
      response.addProperty("patchType", "JSONPatch");
      response.addProperty("patch", Base64.getEncoder().encodeToString(
          GSON.toJson(patch).getBytes(StandardCharsets.UTF_8)));
    }
    if (message != null) {
      JsonObject status = new JsonObject();
      status.addProperty("code", 200);
      status.addProperty("message", message);
      response.add("status", status);
    }
    if (!warnings.isEmpty()) {
      JsonArray w = new JsonArray();
      warnings.forEach(w::add);
      response.add("warnings", w);
    }
    return wrap(response);
  }

  /**
   * An error answer (sent with an HTTP error status, so the API server applies the webhook's
   * failurePolicy, Ignore: the pod is admitted unchanged).
   */
  static String error(String uid, int code, String message) {
    JsonObject status = new JsonObject();
    status.addProperty("status", "Failure");
    status.addProperty("code", code);
    status.addProperty("reason", code == 400 ? "BadRequest" : code >= 500 ? "InternalError" : "Invalid");
    status.addProperty("message", "inmesh webhook: " + message);
    JsonObject response = new JsonObject();
    response.addProperty("uid", uid == null ? "" : uid);
    response.addProperty("allowed", false);
    response.add("status", status);
    return wrap(response);
  }

  private static String wrap(JsonObject response) {
    JsonObject review = new JsonObject();
    review.addProperty("apiVersion", API_VERSION);
    review.addProperty("kind", "AdmissionReview");
    review.add("response", response);
    return GSON.toJson(review);
  }

  private static JsonObject object(JsonObject parent, String key) {
    JsonElement e = parent.get(key);
    return e != null && e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
