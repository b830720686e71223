package io.inmesh.telemetry;

import io.inmesh.policies.log.AgentLog;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One JSON line per call with Envoy's access log field names, written by a daemon thread in
 * batches. {@link #onCall} only filters and enqueues: when the queue is full the line is dropped
 * and counted, so a slow disk or a blocked stdout never slows the application.
 */
public final class AccessLog implements CallListener, AutoCloseable {

  private static final AgentLog LOG = AgentLog.get(AccessLog.class);
  private static final DateTimeFormatter START_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final int BATCH = 256;

  private final AccessLogConfig config;
  private final BlockingQueue<CallRecord> queue;
  private final OutputStream out;
  private final boolean closeOut;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder written = new LongAdder();
  private final Thread writer;
  private volatile boolean closed;

  private AccessLog(AccessLogConfig config, OutputStream out, boolean closeOut) {
    this.config = config;
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    this.out = out;
    this.closeOut = closeOut;
    this.writer = new Thread(this::drain, "inmesh-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Opens the configured target; null when the log is off or the file cannot be opened (logged).
   */
  public static AccessLog open(AccessLogConfig config) {
    if (config == null || !config.enabled()) {
      return null;
    }
    String target = config.target();
    try {
      if ("stdout".equals(target)) {
        return new AccessLog(config, System.out, false);
      }
      if ("stderr".equals(target)) {
        return new AccessLog(config, System.err, false);
      }
      return new AccessLog(config, new FileOutputStream(target, true), true);
    } catch (IOException e) {
      LOG.warn(e, "cannot open the access log %s; access logging is off", target);
      return null;
    }
  }

  /** Writes to this stream (tests, custom sinks); the stream is not closed. */
  public static AccessLog to(AccessLogConfig config, OutputStream out) {
    return new AccessLog(config, out, false);
  }

  @Override
  public void onCall(CallRecord call) {
    if (closed || !config.statusLogged(call.responseCode())) {
      return;
    }
    double rate = config.sampleRate();
    if (rate < 1 && ThreadLocalRandom.current().nextDouble() >= rate) {
      return;
    }
    if (!queue.offer(call)) {
      dropped.increment();
    }
  }

  /** Lines dropped because the queue was full. */
  public long dropped() {
    return dropped.sum();
  }

  /** Lines written so far. */
  public long written() {
    return written.sum();
  }

  private void drain() {
    List<CallRecord> batch = new ArrayList<>(BATCH);
    StringBuilder text = new StringBuilder(BATCH * 512);
    while (true) {
      try {
        CallRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        for (CallRecord c : batch) {
          line(text, c);
        }
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        written.add(batch.size());
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.debug("access log write failed: %s", e);
      } finally {
        batch.clear();
        text.setLength(0);
      }
    }
  }

  /** Envoy's field names; a value Envoy would print as {@code -} is null. */
  static void line(StringBuilder text, CallRecord c) {
    Json j = new Json(text);
    long durationMs = c.durationNanos() / 1_000_000;
    j.beginObject()
        .field("start_time", START_TIME.format(Instant.ofEpochMilli(c.startEpochMillis())))
        .field("method", c.method())
        .field("path", c.path())
        .field("protocol", c.protocol())
        .field("response_code", c.responseCode())
        .field("response_flags", c.responseFlags() == null ? "-" : c.responseFlags())
        .field("bytes_received", Math.max(0, c.requestBytes()))
        .field("bytes_sent", Math.max(0, c.responseBytes()))
        .field("duration", durationMs);
    j.name("upstream_service_time");
    if (c.upstreamHost() != null && c.responseCode() > 0) {
      j.value(Long.toString(durationMs));
    } else {
      j.nullValue();
    }
    j.field("upstream_host", c.upstreamHost())
        .field("upstream_cluster", c.cluster())
        .field("upstream_transport_failure_reason", c.failure())
        .field("authority", c.authority())
        .field("request_id", null)
        .field("route_name", c.routeName())
        .field("trace_id", null)
        .endObject();
    text.append('\n');
  }

  /** Stops taking lines, writes what is queued (up to a second), closes a file target. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closeOut) {
      try {
        out.close();
      } catch (IOException e) {
        LOG.debug("closing the access log failed: %s", e);
      }
    }
  }

}
