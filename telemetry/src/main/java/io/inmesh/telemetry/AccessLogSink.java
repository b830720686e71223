package io.inmesh.telemetry;

import java.io.IOException;
import java.util.List;

/**
 * Where the access log's batches go: a stream (stdout, a file) or an HTTP collector. Called by
 * the access log's one writer thread only, so an implementation may keep its buffers.
 */
interface AccessLogSink {

  /** Delivers a batch, or throws: then the whole batch is lost (and counted as dropped). */
  void write(List<CallRecord> batch) throws IOException;

  /** Gives up pending retries and releases the target; the writer may still be running. */
  void close();
}
