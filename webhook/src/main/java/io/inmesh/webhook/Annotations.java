package io.inmesh.webhook;

/** The pod annotations the webhook reads and writes; docs/KUBERNETES.md explains each. */
final class Annotations {
  /** {@code "true"} opts a pod in outside a labelled namespace, {@code "false"} opts it out. */
  static final String INJECT = "inmesh.io/inject";
  /** Written on injection; its presence makes a second admission (reinvocation) a no-op. */
  static final String STATUS = "inmesh.io/status";
  /** Comma-separated container names to attach the agent to, instead of detecting Java containers. */
  static final String CONTAINERS = "inmesh.io/containers";
  /** The JAVA_TOOL_OPTIONS the image sets, which a pod-spec value would otherwise hide. */
  static final String IMAGE_JAVA_TOOL_OPTIONS = "inmesh.io/image-java-tool-options";
  static final String LOG_LEVEL = "inmesh.io/log-level";
  static final String ADMIN_PORT = "inmesh.io/admin-port";
  static final String TELEMETRY = "inmesh.io/telemetry";
  /** Istio's template selector; {@code grpc-agent} means pilot-agent writes the xDS bootstrap. */
  static final String ISTIO_TEMPLATES = "inject.istio.io/templates";
  static final String PROMETHEUS_PREFIX = "prometheus.io/";

  private Annotations() {}
}
