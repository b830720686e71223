package io.inmesh.it.support;

import com.google.gson.JsonObject;
import com.google.gson.JsonStreamParser;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A Splunk HTTP Event Collector stand-in on loopback: {@code POST /services/collector/event}
 * bodies of concatenated JSON event envelopes, answered as HEC answers
 * ({@code {"text":"Success","code":0}}). Anything else POSTed (an OTLP/HTTP export) gets an empty
 * 200 and is not kept.
 */
public final class HecCollector implements AutoCloseable {

  public static final String PATH = "/services/collector/event";

  /** One event envelope and the request that carried it. */
  public record Event(String authorization, String contentType, JsonObject envelope) {
    public JsonObject event() {
      return envelope.getAsJsonObject("event");
    }
  }

  private final HttpServer server;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

  public HecCollector() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(PATH, exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      int n = 0;
      for (JsonStreamParser p = new JsonStreamParser(body); p.hasNext(); n++) {
        events.add(new Event(auth, type, p.next().getAsJsonObject()));
      }
      batchSizes.add(n);
      byte[] reply = "{\"text\":\"Success\",\"code\":0}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, reply.length);
      exchange.getResponseBody().write(reply);
      exchange.close();
    });
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
  }

  /** {@code http://127.0.0.1:PORT} */
  public String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public String eventUrl() {
    return base() + PATH;
  }

  /** Events per POST, in arrival order. */
  public List<Integer> batchSizes() {
    return batchSizes;
  }

  /** Waits for an event whose {@code event} object matches. */
  public Event await(Predicate<JsonObject> match, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (Event e : events) {
        if (e.event() != null && match.test(e.event())) {
          return e;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching event in " + events.size() + " received");
  }

  /** Events whose {@code event} object matches, now. */
  public List<Event> matching(Predicate<JsonObject> match) {
    return events.stream().filter(e -> e.event() != null && match.test(e.event())).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
