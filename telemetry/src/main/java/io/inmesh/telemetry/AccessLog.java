package io.inmesh.telemetry;

import io.inmesh.policies.log.AgentLog;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
 * batches to a stream, a file or an HTTP collector ({@link HecSink}). {@link #onCall} only
 * filters and enqueues: when the queue is full the line is dropped and counted, so a slow disk,
 * a blocked stdout or a collector that is down never slows the application.
 */
public final class AccessLog implements CallListener, AutoCloseable {

  private static final AgentLog LOG = AgentLog.get(AccessLog.class);
  private static final DateTimeFormatter START_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final int BATCH = 256;

  private final AccessLogConfig config;
  private final BlockingQueue<CallRecord> queue;
  private final AccessLogSink sink;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder written = new LongAdder();
  private final Thread writer;
  private volatile boolean closed;

  AccessLog(AccessLogConfig config, AccessLogSink sink) {
    this.config = config;
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    this.sink = sink;
    this.writer = new Thread(this::drain, "inmesh-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Opens the configured target; null when the log is off, the file cannot be opened or the
   * collector's URL is malformed (logged).
   */
  public static AccessLog open(AccessLogConfig config) {
    if (config == null || !config.enabled()) {
      return null;
    }
    String target = config.target();
    try {
      if (config.collector()) {
        return new AccessLog(config, HecSink.open(config));
      }
      if ("stdout".equals(target)) {
        return new AccessLog(config, new StreamSink(System.out, false));
      }
      if ("stderr".equals(target)) {
        return new AccessLog(config, new StreamSink(System.err, false));
      }
      return new AccessLog(config, new StreamSink(new FileOutputStream(target, true), true));
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("cannot open the access log %s (%s); access logging is off", target,
          e.getMessage());
      return null;
    }
  }

  /** Writes to this stream (tests, custom sinks); the stream is not closed. */
  public static AccessLog to(AccessLogConfig config, OutputStream out) {
    return new AccessLog(config, new StreamSink(out, false));
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

  /**
   * Lines dropped: the queue was full, or their batch could not be written (a collector that
   * still failed after its retries).
   */
  public long dropped() {
    return dropped.sum();
  }

  /** Lines written (or accepted by the collector) so far. */
  public long written() {
    return written.sum();
  }

  private void drain() {
    List<CallRecord> batch = new ArrayList<>(BATCH);
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
        sink.write(batch);
        written.add(batch.size());
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        dropped.add(batch.size());
        LOG.debug("access log write failed: %s", e);
      } finally {
        batch.clear();
      }
    }
  }

  /**
   * The call as one JSON object with Envoy's field names; a value Envoy would print as {@code -}
   * is null.
   */
  static void event(StringBuilder text, CallRecord c) {
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
        .field("request_id", c.requestId())
        .field("route_name", c.routeName())
        .field("trace_id", c.traceId())
        .endObject();
  }

  /**
   * Stops taking lines, writes what is queued (up to a second), then closes a file target and
   * stops a collector's retries.
   */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sink.close();
  }

  /** POST attempts the HTTP collector failed (each retry counts); 0 for a stream or a file. */
  public long failedPosts() {
    return sink instanceof HecSink hec ? hec.failedPosts() : 0;
  }

}
