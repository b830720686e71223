package io.inmesh.webhook;

import io.fabric8.kubernetes.api.model.Pod;

/** Checks on a pod after the webhook's patch was applied. */
final class PodChecks {
  private PodChecks() {}

  static void assertWellFormed(Pod pod) {
    ModelChecks.assertNoUnknownFields(pod.getMetadata(), "metadata");
    ModelChecks.assertWellFormedPod(pod.getSpec(), "spec");
  }
}
