package io.inmesh.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a child JVM's Istio metrics: where its Prometheus listener is, and what it counts. */
public final class Scrape {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final Pattern LISTENERS =
      Pattern.compile("telemetry: metrics /?([0-9.]+:[0-9]+), admin /?([0-9.]+:[0-9]+)");

  private Scrape() {}

  /** The metrics listener's address from the agent's start line, waiting up to 20 s. */
  public static String metricsAddress(AgentJvm app) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : app.stderr()) {
        Matcher m = LISTENERS.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no telemetry start line: " + String.join("\n", app.stderr()));
  }

  public static String metrics(String address) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + address
        + "/stats/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** {@code istio_requests_total} for a response code, summed over its series. */
  public static int requests(String scrape, String code) {
    int total = 0;
    for (String line : List.of(scrape.split("\n"))) {
      if (line.startsWith("istio_requests_total{")
          && line.contains("response_code=\"" + code + "\"")) {
        total += (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
