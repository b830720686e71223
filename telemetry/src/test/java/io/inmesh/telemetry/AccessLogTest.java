package io.inmesh.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {

  @Test
  void jsonLinesToAFileWithEnvoyFieldsAndStatusFilter(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("access.log");
    AccessLogConfig config = new AccessLogConfig(file.toString(),
        AccessLogConfig.parseStatusClasses("4,5"), 1.0, 100);
    AccessLog log = AccessLog.open(config);
    log.onCall(Calls.ok(Calls.REVIEWS_V1, 200, 12, 5, 700));
    log.onCall(Calls.ok(Calls.REVIEWS_V1, 503, 12, 5, 19));
    log.onCall(Calls.local("ratings:9080", 404, "NR"));
    log.onCall(new CallRecord("http", "POST", "a:80", "/p", "a:80", null, "c", "1.2.3.4:80", 0,
        "UF", "connect_failure", 0, 0, -1, -1));
    log.close();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(3, lines.size(), String.join("\n", lines));
    JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
    assertEquals(Set.of("start_time", "method", "path", "protocol", "response_code",
        "response_flags", "bytes_received", "bytes_sent", "duration", "upstream_service_time",
        "upstream_host", "upstream_cluster", "upstream_transport_failure_reason", "authority",
        "request_id", "route_name", "trace_id"), first.keySet());
    assertEquals("2023-11-14T22:13:20.123Z", first.get("start_time").getAsString());
    assertEquals("GET", first.get("method").getAsString());
    assertEquals("/reviews/1?user=alice", first.get("path").getAsString());
    assertEquals(503, first.get("response_code").getAsInt());
    assertEquals("-", first.get("response_flags").getAsString());
    assertEquals(5, first.get("bytes_received").getAsLong());
    assertEquals(19, first.get("bytes_sent").getAsLong());
    assertEquals(12, first.get("duration").getAsLong());
    assertEquals("12", first.get("upstream_service_time").getAsString());
    assertEquals("127.96.0.7:9080", first.get("upstream_host").getAsString());
    assertEquals(Calls.REVIEWS_V1, first.get("upstream_cluster").getAsString());
    assertEquals("reviews:9080", first.get("authority").getAsString());
    assertEquals("r1", first.get("route_name").getAsString());
    assertTrue(first.get("trace_id").isJsonNull());

    JsonObject noRoute = JsonParser.parseString(lines.get(1)).getAsJsonObject();
    assertEquals("NR", noRoute.get("response_flags").getAsString());
    assertTrue(noRoute.get("upstream_host").isJsonNull());
    assertTrue(noRoute.get("upstream_service_time").isJsonNull());

    JsonObject failed = JsonParser.parseString(lines.get(2)).getAsJsonObject();
    assertEquals(0, failed.get("response_code").getAsInt());
    assertEquals("connect_failure",
        failed.get("upstream_transport_failure_reason").getAsString());
  }

  @Test
  void fullQueueDropsWithoutBlocking() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch writing = new CountDownLatch(1);
    OutputStream stuck = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        writing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    AccessLog log = AccessLog.to(new AccessLogConfig("custom", Set.of(), 1.0, 10), stuck);
    log.onCall(Calls.ok(Calls.REVIEWS_V1, 200, 1, 1, 1));
    assertTrue(writing.await(5, TimeUnit.SECONDS), "writer thread took the first line");
    long start = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      log.onCall(Calls.ok(Calls.REVIEWS_V1, 200, 1, 1, 1));
    }
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 2000, "onCall blocked for " + tookMs + " ms");
    assertEquals(990, log.dropped());
    release.countDown();
    log.close();
    assertEquals(11, log.written());
  }

  @Test
  void samplingAndOff() {
    assertEquals(null, AccessLog.open(AccessLogConfig.OFF));
    AccessLog none = AccessLog.to(new AccessLogConfig("x", Set.of(), 0.0, 10),
        OutputStream.nullOutputStream());
    for (int i = 0; i < 100; i++) {
      none.onCall(Calls.ok(Calls.REVIEWS_V1, 200, 1, 1, 1));
    }
    none.close();
    assertEquals(0, none.written());
    assertThrows(IllegalArgumentException.class, () -> AccessLogConfig.parseStatusClasses("6"));
    assertEquals(Set.of(4, 5), AccessLogConfig.parseStatusClasses("4xx, 5"));
  }
}
