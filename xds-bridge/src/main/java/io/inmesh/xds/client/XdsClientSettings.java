package io.inmesh.xds.client;

import java.time.Duration;

/**
 * Tunables of the xDS client.
 *
 * @param resourceTimeout how long {@code awaitTarget} blocks a first call for a target's listener,
 *     routes and endpoints (sidecar mode: for the first full picture of the mesh) before passing
 *     it through
 * @param maxTargets how many targets are watched at most; least recently requested ones beyond
 *     this are unwatched
 * @param initialBackoff first reconnect delay
 * @param maxBackoff cap of the reconnect delay
 * @param mode the shape of xDS to ask for, or null to follow the bootstrap
 *     ({@link XdsMode#of})
 */
public record XdsClientSettings(Duration resourceTimeout, int maxTargets, Duration initialBackoff,
    Duration maxBackoff, XdsMode mode) {

  public XdsClientSettings {
    if (resourceTimeout.isNegative()) {
      throw new IllegalArgumentException("resourceTimeout must not be negative");
    }
    if (maxTargets < 1) {
      throw new IllegalArgumentException("maxTargets must be at least 1");
    }
  }

  public XdsClientSettings(Duration resourceTimeout, int maxTargets, Duration initialBackoff,
      Duration maxBackoff) {
    this(resourceTimeout, maxTargets, initialBackoff, maxBackoff, null);
  }

  public static XdsClientSettings defaults() {
    return new XdsClientSettings(Duration.ofSeconds(1), 1000, Duration.ofMillis(100),
        Duration.ofSeconds(30));
  }

  public XdsClientSettings withResourceTimeout(Duration timeout) {
    return new XdsClientSettings(timeout, maxTargets, initialBackoff, maxBackoff, mode);
  }

  public XdsClientSettings withMaxTargets(int max) {
    return new XdsClientSettings(resourceTimeout, max, initialBackoff, maxBackoff, mode);
  }

  /** @param next the mode, or null to follow the bootstrap */
  public XdsClientSettings withMode(XdsMode next) {
    return new XdsClientSettings(resourceTimeout, maxTargets, initialBackoff, maxBackoff, next);
  }
}
