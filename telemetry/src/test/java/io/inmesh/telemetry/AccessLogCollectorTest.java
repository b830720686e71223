package io.inmesh.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonStreamParser;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The access log to a real HTTP server speaking Splunk HEC's event protocol. */
class AccessLogCollectorTest {

  private static final String PATH = "/services/collector/event";
  private static final String TOKEN = "11111111-2222-3333-4444-555555555555";

  /** One POST the collector received. */
  record Post(String authorization, String contentType, String method, String body) {
    List<JsonObject> events() {
      List<JsonObject> out = new ArrayList<>();
      JsonStreamParser p = new JsonStreamParser(body);
      while (p.hasNext()) {
        JsonElement e = p.next();
        out.add(e.getAsJsonObject());
      }
      return out;
    }
  }

  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private HttpServer collector;

  /** A collector answering each POST with the status {@code statuses} gives. */
  private URI collector(IntSupplier statuses) throws IOException {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(PATH, exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      posts.add(new Post(exchange.getRequestHeaders().getFirst("Authorization"),
          exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestMethod(),
          new String(body, StandardCharsets.UTF_8)));
      int status = statuses.getAsInt();
      byte[] reply = (status == 200 ? "{\"text\":\"Success\",\"code\":0}"
          : status == 401 ? "{\"text\":\"Invalid token\",\"code\":4}"
          : "{\"text\":\"Server is busy\",\"code\":9}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, reply.length);
      exchange.getResponseBody().write(reply);
      exchange.close();
    });
    collector.start();
    return URI.create("http://127.0.0.1:" + collector.getAddress().getPort() + PATH);
  }

  @AfterEach
  void stop() {
    if (collector != null) {
      collector.stop(0);
    }
  }

  private static AccessLogConfig config(URI uri, int capacity) {
    return new AccessLogConfig(uri.toString(), Set.of(), 1.0, capacity, TOKEN);
  }

  @Test
  void batchesOfHecEnvelopesWithTheSplunkToken() throws Exception {
    URI uri = collector(() -> 200);
    AccessLog log = AccessLog.open(config(uri, 1000));
    assertNotNull(log);
    CallRecord plain = Calls.ok(Calls.REVIEWS_V1, 200, 12, 5, 700);
    CallRecord traced = new CallRecord("http", "GET", "reviews:9080", "/reviews/2", "reviews:9080",
        "r1", Calls.REVIEWS_V1, "127.96.0.7:9080", 503, "-", null, 1_700_000_000_007L, 3_000_000,
        -1, -1, null, "4bf92f3577b34da6a3ce929d0e0e4736", "req-42");
    log.onCall(traced);
    for (int i = 0; i < 299; i++) {
      log.onCall(plain);
    }
    log.close();

    assertEquals(300, log.written());
    assertEquals(0, log.dropped());
    assertEquals(0, log.failedPosts());
    // batched: several calls per POST, never more than a batch
    assertTrue(posts.size() >= 2 && posts.size() < 300, posts.size() + " POSTs");
    List<JsonObject> events = new ArrayList<>();
    for (Post p : posts) {
      assertEquals("POST", p.method());
      assertEquals("Splunk " + TOKEN, p.authorization());
      assertEquals("application/json", p.contentType());
      List<JsonObject> batch = p.events();
      assertTrue(batch.size() <= 256, batch.size() + " events in one POST");
      events.addAll(batch);
    }
    assertEquals(300, events.size());

    JsonObject first = events.get(0);
    assertEquals(Set.of("time", "host", "source", "sourcetype", "event"), first.keySet());
    // HEC's time: epoch seconds with the milliseconds as a fraction, a JSON number
    assertTrue(first.get("time").getAsJsonPrimitive().isNumber());
    assertEquals("1700000000.007", first.get("time").getAsString());
    assertFalse(first.get("host").getAsString().isBlank());
    assertEquals("inmesh", first.get("source").getAsString());
    assertEquals("_json", first.get("sourcetype").getAsString());
    JsonObject event = first.getAsJsonObject("event");
    assertEquals(Set.of("start_time", "method", "path", "protocol", "response_code",
        "response_flags", "bytes_received", "bytes_sent", "duration", "upstream_service_time",
        "upstream_host", "upstream_cluster", "upstream_transport_failure_reason", "authority",
        "request_id", "route_name", "trace_id"), event.keySet());
    assertEquals("/reviews/2", event.get("path").getAsString());
    assertEquals(503, event.get("response_code").getAsInt());
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", event.get("trace_id").getAsString());
    assertEquals("req-42", event.get("request_id").getAsString());

    JsonObject second = events.get(1);
    assertEquals("1700000000.123", second.get("time").getAsString());
    assertEquals("2023-11-14T22:13:20.123Z",
        second.getAsJsonObject("event").get("start_time").getAsString());
    assertTrue(second.getAsJsonObject("event").get("trace_id").isJsonNull());
  }

  @Test
  void aBusyCollectorIsRetriedWithBackoff() throws Exception {
    AtomicInteger n = new AtomicInteger();
    URI uri = collector(() -> n.getAndIncrement() < 2 ? 503 : 200);
    AccessLog log = new AccessLog(config(uri, 100), new HecSink(uri, TOKEN, 5));
    log.onCall(Calls.ok(Calls.REVIEWS_V1, 200, 1, 1, 1));
    awaitCount(log::written, 1);
    log.close();
    assertEquals(3, posts.size());
    assertEquals(1, posts.get(2).events().size());
    assertEquals(2, log.failedPosts());
    assertEquals(0, log.dropped());
  }

  @Test
  void aRefusedTokenIsNotRetriedAndTheBatchIsDropped() throws Exception {
    URI uri = collector(() -> 401);
    AccessLog log = new AccessLog(config(uri, 100), new HecSink(uri, TOKEN, 5));
    log.onCall(Calls.ok(Calls.REVIEWS_V1, 200, 1, 1, 1));
    awaitCount(log::dropped, 1);
    log.close();
    assertEquals(1, posts.size());
    assertEquals(1, log.failedPosts());
    assertEquals(0, log.written());
  }

  @Test
  void aCollectorThatIsDownCostsDropsNeverTheCaller() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    URI uri = URI.create("http://127.0.0.1:" + port + PATH);
    AccessLog log = new AccessLog(config(uri, 10), new HecSink(uri, TOKEN, 5));
    for (int i = 0; i < 1000; i++) {
      log.onCall(Calls.ok(Calls.REVIEWS_V1, 200, 1, 1, 1));
    }
    // every line is accounted for: overflowed the queue, or lost with its batch after retries
    awaitCount(log::dropped, 1000);
    log.close();
    assertEquals(0, log.written());
    assertTrue(log.failedPosts() >= HecSink.ATTEMPTS, log.failedPosts() + " failed POSTs");
    assertEquals(0, log.failedPosts() % HecSink.ATTEMPTS, "each batch tried "
        + HecSink.ATTEMPTS + " times");
  }

  @Test
  void theScrapeCountsWrittenDroppedAndFailedPosts() throws Exception {
    AtomicInteger n = new AtomicInteger();
    URI uri = collector(() -> n.getAndIncrement() == 0 ? 503 : 200);
    try (Telemetry t = Telemetry.start(new TelemetryConfig(null, null, config(uri, 100), 0),
        SourceWorkload.UNKNOWN_WORKLOAD, EndpointMetadata.NONE, AgentHealth.NONE, () -> null)) {
      t.listener().onCall(Calls.ok(Calls.REVIEWS_V1, 200, 1, 1, 1));
      awaitCount(t.accessLog()::written, 1);
      String scrape = t.metrics().scrape();
      assertTrue(scrape.contains("\ninmesh_access_log_written_total 1.0"), scrape);
      assertTrue(scrape.contains("\ninmesh_access_log_dropped_total 0.0"), scrape);
      assertTrue(scrape.contains("\ninmesh_access_log_failed_posts_total 1.0"), scrape);
    }
  }

  @Test
  void theTokenStaysOutOfTheConfigsText() {
    AccessLogConfig c = new AccessLogConfig("https://splunk.example:8088" + PATH, Set.of(), 1.0,
        10, TOKEN);
    assertTrue(c.collector());
    assertFalse(c.toString().contains(TOKEN), c.toString());
    assertFalse(new AccessLogConfig("/var/log/a.log", Set.of(), 1.0, 10).collector());
    assertNull(AccessLog.open(new AccessLogConfig("http://", Set.of(), 1.0, 10, TOKEN)));
  }

  private static void awaitCount(java.util.function.LongSupplier count, long expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (count.getAsLong() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(expected, count.getAsLong());
  }
}
