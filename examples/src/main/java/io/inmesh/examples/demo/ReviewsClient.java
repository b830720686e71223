package io.inmesh.examples.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A plain application, unaware of the mesh: calls one URL with the JDK's HttpClient 20 times a
 * second and prints, every second, which version answered its last 100 calls. Run under the Inmesh
 * agent, a Kubernetes service name such as {@code reviews.default.svc.cluster.local:9080} is
 * routed by xDS; without it, that name does not resolve and every call fails (and is printed).
 *
 * <pre>ReviewsClient URL [--header NAME=VALUE] [--rate CALLS_PER_SECOND]</pre>
 */
public final class ReviewsClient {

  private ReviewsClient() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0) {
      System.err.println("usage: ReviewsClient URL [--header NAME=VALUE] [--rate CALLS_PER_SECOND]");
      System.exit(2);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(args[0]))
        .timeout(Duration.ofSeconds(2));
    int rate = 20;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--header" -> {
          String[] header = args[i + 1].split("=", 2);
          request.header(header[0], header.length > 1 ? header[1] : "");
        }
        case "--rate" -> rate = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    run(request.build(), rate);
  }

  private static void run(HttpRequest request, int rate) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    CallWindow window = new CallWindow(100);
    // The last second alone shows an edit of the mesh at once; the 100-call window takes 5 s.
    CallWindow lastSecond = new CallWindow(rate);
    long pause = 1000L / rate;
    long nextReport = System.currentTimeMillis() + 1000;
    String firstError = null;
    int errors = 0;
    while (true) {
      long started = System.currentTimeMillis();
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        String outcome = outcome(response);
        window.add(outcome);
        lastSecond.add(outcome);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        // The application survives a failing dependency; the demo shows why it failed.
        window.add("error");
        lastSecond.add("error");
        errors++;
        if (firstError == null) {
          firstError = describe(e, request.uri().getHost());
        }
      }
      long now = System.currentTimeMillis();
      if (now >= nextReport) {
        System.out.println(window.split() + "   last second: " + lastSecond.shares());
        if (firstError != null) {
          System.out.println("  " + errors + " failed in the last second, e.g. " + firstError);
          firstError = null;
          errors = 0;
        }
        nextReport = now + 1000;
      }
      Thread.sleep(Math.max(0, pause - (now - started)));
    }
  }

  /** The JDK's ConnectException has no message; its cause says what failed. */
  private static String describe(Throwable e, String host) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.channels.UnresolvedAddressException) {
        return host + " does not resolve: no mesh routed the call";
      }
    }
    StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        return text.append(": ").append(t.getMessage()).toString();
      }
      if (t.getCause() != null) {
        text.append(" <- ").append(t.getCause().getClass().getSimpleName());
      }
    }
    return text.toString();
  }

  /** "reviews-v1" -> "v1"; any non-200 answer by its status, as a mesh error would show. */
  private static String outcome(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      return "HTTP " + response.statusCode();
    }
    String body = response.body().trim();
    return body.substring(body.lastIndexOf('-') + 1);
  }
}
