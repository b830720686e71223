package io.inmesh.xds.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential reconnect backoff with jitter, as gRPC's connection backoff: the delay grows by 2x up
 * to a maximum, and each wait is randomised by +-20% so many agents restarted together do not
 * reconnect in lock step.
 */
final class Backoff {

  private static final double MULTIPLIER = 2.0;
  private static final double JITTER = 0.2;

  private final long initialNanos;
  private final long maxNanos;
  private final DoubleSupplier random;
  private long nextNanos;

  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
    this.nextNanos = initialNanos;
  }

  long nextDelayNanos() {
    long base = nextNanos;
    nextNanos = (long) Math.min(maxNanos, base * MULTIPLIER);
    double factor = 1 + JITTER * (2 * random.getAsDouble() - 1);
    return (long) (base * factor);
  }

  void reset() {
    nextNanos = initialNanos;
  }
}
