package io.inmesh.xds.client;

import java.util.concurrent.atomic.AtomicLong;

/** ACK/NACK counters and the last NACK reason, for tests and the admin endpoint. */
public final class XdsStats {

  private final AtomicLong acks = new AtomicLong();
  private final AtomicLong nacks = new AtomicLong();
  private volatile String lastNackReason;
  private volatile boolean connected;

  public long acks() {
    return acks.get();
  }

  public long nacks() {
    return nacks.get();
  }

  /** The {@code error_detail} message of the last NACK, or null if none was sent. */
  public String lastNackReason() {
    return lastNackReason;
  }

  /** True while an ADS stream has received at least one response and is still open. */
  public boolean connected() {
    return connected;
  }

  void recordAck() {
    acks.incrementAndGet();
  }

  void recordNack(String reason) {
    lastNackReason = reason;
    nacks.incrementAndGet();
  }

  void connected(boolean value) {
    connected = value;
  }
}
