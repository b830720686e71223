package io.inmesh.xds.client;

import java.util.concurrent.atomic.AtomicLong;

/** ACK/NACK counters and the last NACK reason, for tests and the admin endpoint. */
public final class XdsStats {

  private final AtomicLong acks = new AtomicLong();
  private final AtomicLong nacks = new AtomicLong();
  private volatile String lastNackReason;
  private volatile long lastAckMillis;
  private volatile long lastNackMillis;
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

  /** When the last resource was accepted (epoch milliseconds), or 0. */
  public long lastAckMillis() {
    return lastAckMillis;
  }

  /** When the last NACK was sent (epoch milliseconds), or 0. */
  public long lastNackMillis() {
    return lastNackMillis;
  }

  /** True while an ADS stream has received at least one response and is still open. */
  public boolean connected() {
    return connected;
  }

  void recordAck() {
    lastAckMillis = System.currentTimeMillis();
    acks.incrementAndGet();
  }

  void recordNack(String reason) {
    lastNackReason = reason;
    lastNackMillis = System.currentTimeMillis();
    nacks.incrementAndGet();
  }

  void connected(boolean value) {
    connected = value;
  }
}
