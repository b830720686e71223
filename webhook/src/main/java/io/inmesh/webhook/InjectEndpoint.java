package io.inmesh.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /inject} (the namespace opted in, per the webhook configuration's namespace selector)
 * and {@code POST /inject/opt-in} (any other namespace: only a pod annotation opts in). Fails open:
 * whatever goes wrong with a pod, the pod is admitted unchanged and the reason logged.
 */
final class InjectEndpoint implements HttpHandler {
  static final String PATH = "/inject";
  static final String OPT_IN_PATH = "/inject/opt-in";
  /** The API server caps objects at about 3 MiB; anything much larger is not a review. */
  private static final int MAX_BODY = 8 * 1024 * 1024;
  private static final Logger LOG = Logger.getLogger(InjectEndpoint.class.getName());

  private final PodInjector injector;

  InjectEndpoint(PodInjector injector) {
    this.injector = injector;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals(PATH) && !path.equals(OPT_IN_PATH)) {
        send(exchange, 404, AdmissionReview.error("", 404, "no endpoint " + path
            + " (use " + PATH + " or " + OPT_IN_PATH + ")"));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        send(exchange, 405, AdmissionReview.error("", 405, "use POST with an AdmissionReview"));
        return;
      }
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      if (contentType != null && !contentType.toLowerCase(java.util.Locale.ROOT).contains("json")) {
        send(exchange, 415, AdmissionReview.error("", 415, "expected application/json, got " + contentType));
        return;
      }
      byte[] body = readBody(exchange.getRequestBody());
      if (body == null) {
        send(exchange, 413, AdmissionReview.error("", 413, "the body is larger than " + MAX_BODY + " bytes"));
        return;
      }
      respond(exchange, new String(body, StandardCharsets.UTF_8), path.equals(PATH));
    } catch (IOException e) {
      LOG.fine("client went away: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "unexpected failure answering " + exchange.getRequestURI(), e);
      try {
        send(exchange, 500, AdmissionReview.error("", 500, "internal error: " + e));
      } catch (IOException | RuntimeException alreadyAnswered) {
        // the exchange is closed by try-with-resources either way
      }
    }
  }

  private void respond(HttpExchange exchange, String body, boolean namespaceOptedIn) throws IOException {
    AdmissionReview.Request request;
    try {
      request = AdmissionReview.parse(body);
    } catch (AdmissionReview.BadReview e) {
      LOG.warning("bad AdmissionReview from " + exchange.getRemoteAddress() + ": " + e.getMessage());
      send(exchange, 400, AdmissionReview.error(e.uid, 400, e.getMessage()));
      return;
    }
    if (!request.isPodCreate()) {
      String what = request.operation() + " " + (request.group().isEmpty() ? "" : request.group() + "/")
          + request.kind() + (request.subResource().isEmpty() ? "" : "/" + request.subResource());
      LOG.warning("request " + request.uid() + " is " + what + ", not a pod CREATE: allowed unchanged"
          + " (check the webhook configuration's rules)");
      send(exchange, 200, AdmissionReview.allowed(request.uid(), null,
          "inmesh injects pods on CREATE only; " + what + " allowed unchanged", List.of()));
      return;
    }
    PodInjector.Outcome outcome;
    String podName = request.namespace() + "/?";
    try {
      Pod pod = Pod.of(request.object(), request.namespace());
      podName = pod.displayName();
      outcome = injector.inject(pod, namespaceOptedIn);
    } catch (RuntimeException | StackOverflowError e) {
      LOG.log(Level.WARNING, "pod " + podName + " allowed unchanged: the webhook cannot understand it: "
          + e.getMessage(), e instanceof IllegalArgumentException ? null : e);
      send(exchange, 200, AdmissionReview.allowed(request.uid(), null, null,
          List.of("inmesh: pod left without the agent, the webhook cannot understand it: " + e.getMessage())));
      return;
    }
    LOG.info("pod " + podName + ": " + outcome.reason()
        + (outcome.warnings().isEmpty() ? "" : "; " + String.join("; ", outcome.warnings())));
    send(exchange, 200, AdmissionReview.allowed(request.uid(), outcome.patch(), null, outcome.warnings()));
  }

  private static byte[] readBody(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16384];
    int n;
    while ((n = in.read(buffer)) > 0) {
      if (out.size() + n > MAX_BODY) {
        return null;
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
