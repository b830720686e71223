package io.inmesh.telemetry;

import io.inmesh.policies.log.AgentLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The access log to a Splunk HTTP Event Collector ({@code POST /services/collector/event}), or
 * anything that speaks its JSON event protocol (Vector, Fluent Bit, Cribl, OpenTelemetry
 * Collector's splunk_hec receiver). One POST per batch; the body is HEC's event envelopes
 * concatenated, one per call:
 * {@code {"time":1700000000.123,"host":"...","source":"inmesh","sourcetype":"_json","event":{...}}},
 * where {@code event} is the same object a log line holds. The token goes in
 * {@code Authorization: Splunk <token>}. A failed POST (no connection, timeout, 5xx, 429) is
 * retried with backoff a few times, then the batch is dropped: the writer thread waits, never
 * the application, whose lines meanwhile overflow the bounded queue and are counted.
 */
final class HecSink implements AccessLogSink {

  private static final AgentLog LOG = AgentLog.get(HecSink.class);
  /** HEC's {@code source} and {@code sourcetype}: the event is a JSON object Splunk indexes as is. */
  static final String SOURCE = "inmesh";
  static final String SOURCETYPE = "_json";
  static final int ATTEMPTS = 4;
  private static final int CONNECT_TIMEOUT_MILLIS = 2000;
  private static final int READ_TIMEOUT_MILLIS = 5000;
  private static final long DEFAULT_BACKOFF_MILLIS = 250;
  private static final long MAX_BACKOFF_MILLIS = 2000;

  private final SocketPost post;
  private final long backoffMillis;
  private final LongAdder failedPosts = new LongAdder();
  private final StringBuilder text = new StringBuilder(128 * 1024);
  /** The envelope's {@code host}, found on the writer thread (it may ask DNS). */
  private String host;
  /** Whether the last batch failed: logged once when it starts and once when it ends. */
  private boolean failing;
  private volatile boolean closed;

  HecSink(URI endpoint, String token, long backoffMillis) {
    this.post = new SocketPost(endpoint, "application/json",
        token == null ? new String[0] : new String[] {"Authorization: Splunk " + token},
        CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS);
    this.backoffMillis = backoffMillis;
  }

  /**
   * The sink for {@code access_log=http(s)://...}.
   *
   * @throws IllegalArgumentException when the URL is not an http(s) URL with a host, or the token
   *     holds a line break
   */
  static HecSink open(AccessLogConfig config) {
    URI endpoint;
    try {
      endpoint = URI.create(config.target());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("access_log is not a URL: " + e.getMessage());
    }
    if (config.token() == null) {
      LOG.warn("access log collector %s without a token (access_log_token or"
          + " INMESH_ACCESS_LOG_TOKEN): a Splunk collector will refuse the events", endpoint);
    }
    return new HecSink(endpoint, config.token(), DEFAULT_BACKOFF_MILLIS);
  }

  /** POST attempts that failed (each retry counts), for the scrape. */
  long failedPosts() {
    return failedPosts.sum();
  }

  @Override
  public void write(List<CallRecord> batch) throws IOException {
    if (host == null) {
      host = localHost();
    }
    text.setLength(0);
    for (CallRecord c : batch) {
      envelope(text, host, c);
    }
    byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
    String problem = null;
    for (int attempt = 1; attempt <= ATTEMPTS && !closed; attempt++) {
      if (attempt > 1) {
        pause(attempt);
      }
      try {
        SocketPost.Reply reply = post.post(body, body.length);
        if (reply.status() / 100 == 2) {
          if (failing) {
            LOG.info("access log collector %s accepts events again", post);
            failing = false;
          }
          return;
        }
        // HEC answers {"text":"Invalid token","code":4} and the like; never the token itself
        problem = "HTTP " + reply.status() + " " + brief(reply.body());
        failedPosts.increment();
        if (!retryable(reply.status())) {
          break;
        }
      } catch (IOException e) {
        problem = e.toString();
        failedPosts.increment();
      }
    }
    if (problem == null) {
      throw new IOException("closed");
    }
    if (!failing) {
      LOG.warn("access log collector %s failed (%s); batches are dropped and counted"
          + " (inmesh_access_log_dropped_total) until it accepts them", post, problem);
      failing = true;
    }
    throw new IOException(problem);
  }

  /** Worth another try: the collector is down, busy (HEC 503 "server is busy") or throttling. */
  static boolean retryable(int status) {
    return status >= 500 || status == 429 || status == 408;
  }

  /** One HEC event: the epoch time in seconds with milliseconds, and the log line's object. */
  static void envelope(StringBuilder text, String host, CallRecord c) {
    long millis = c.startEpochMillis();
    long fraction = Math.floorMod(millis, 1000L);
    text.append("{\"time\":").append(Math.floorDiv(millis, 1000L)).append('.');
    if (fraction < 100) {
      text.append(fraction < 10 ? "00" : "0");
    }
    text.append(fraction).append(",\"host\":");
    Json.string(text, host);
    text.append(",\"source\":\"").append(SOURCE).append("\",\"sourcetype\":\"")
        .append(SOURCETYPE).append("\",\"event\":");
    AccessLog.event(text, c);
    text.append("}\n");
  }

  private void pause(int attempt) throws IOException {
    long delay = Math.min(MAX_BACKOFF_MILLIS, backoffMillis << (attempt - 2));
    try {
      Thread.sleep(delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  /** The pod's name in Kubernetes ({@code HOSTNAME}), else the machine's. */
  private static String localHost() {
    String name = System.getenv("HOSTNAME");
    if (name != null && !name.isBlank()) {
      return name;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String brief(String body) {
    String b = body == null ? "" : body.strip();
    return b.length() > 200 ? b.substring(0, 200) + "..." : b;
  }

  @Override
  public void close() {
    closed = true;
  }
}
