package io.inmesh.runtime;

import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.log.AgentLog;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Drives outlier detection: every second each cluster's detector is asked to evaluate (it keeps
 * its own {@code interval}, so a faster tick only adds precision), ejecting and returning hosts.
 */
final class OutlierTicker {

  private static final AgentLog LOG = AgentLog.get(OutlierTicker.class);

  private OutlierTicker() {}

  static void start(MeshSource source) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "inmesh-outlier-detection");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        long now = System.nanoTime();
        for (ClusterState cluster : source.snapshot().clusters().values()) {
          cluster.outlierDetector().evaluate(now);
        }
      } catch (RuntimeException e) {
        LOG.warn(e, "outlier detection tick failed");
      }
    }, 1, 1, TimeUnit.SECONDS);
  }
}
