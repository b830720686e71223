package io.inmesh.telemetry;

import io.inmesh.policies.log.AgentLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** JSON lines to stdout, stderr or a file, one write and flush per batch. */
final class StreamSink implements AccessLogSink {

  private static final AgentLog LOG = AgentLog.get(StreamSink.class);

  private final OutputStream out;
  private final boolean closeOut;
  private final StringBuilder text = new StringBuilder(64 * 1024);

  StreamSink(OutputStream out, boolean closeOut) {
    this.out = out;
    this.closeOut = closeOut;
  }

  @Override
  public void write(List<CallRecord> batch) throws IOException {
    text.setLength(0);
    for (CallRecord c : batch) {
      AccessLog.event(text, c);
      text.append('\n');
    }
    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    if (closeOut) {
      try {
        out.close();
      } catch (IOException e) {
        LOG.debug("closing the access log failed: %s", e);
      }
    }
  }
}
