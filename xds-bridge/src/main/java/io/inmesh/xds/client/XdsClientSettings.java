package io.inmesh.xds.client;

import java.time.Duration;

/**
 * Tunables of the xDS client.
 *
 * @param resourceTimeout how long {@code awaitTarget} blocks a first call for a target's listener,
 *     routes and endpoints before passing it through
 * @param maxTargets how many targets are watched at most; least recently requested ones beyond
 *     this are unwatched
 * @param initialBackoff first reconnect delay
 * @param maxBackoff cap of the reconnect delay
 */
public record XdsClientSettings(Duration resourceTimeout, int maxTargets, Duration initialBackoff,
    Duration maxBackoff) {

  public XdsClientSettings {
    if (resourceTimeout.isNegative()) {
      throw new IllegalArgumentException("resourceTimeout must not be negative");
    }
    if (maxTargets < 1) {
      throw new IllegalArgumentException("maxTargets must be at least 1");
    }
  }

  public static XdsClientSettings defaults() {
    return new XdsClientSettings(Duration.ofSeconds(1), 1000, Duration.ofMillis(100),
        Duration.ofSeconds(30));
  }

  public XdsClientSettings withResourceTimeout(Duration timeout) {
    return new XdsClientSettings(timeout, maxTargets, initialBackoff, maxBackoff);
  }

  public XdsClientSettings withMaxTargets(int max) {
    return new XdsClientSettings(resourceTimeout, max, initialBackoff, maxBackoff);
  }
}
