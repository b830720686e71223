package io.inmesh.bench.harness;

/** The four ways the same application reaches the same two upstream instances. */
public enum Variant {
  NO_AGENT("no agent", "calls instances a and b directly, in turn"),
  INMESH("Inmesh agent", "-javaagent:inmesh-agent.jar, in-process xDS, full policy set of the day"),
  OTEL("OpenTelemetry agent", "-javaagent:opentelemetry-javaagent.jar, OTLP to a local sink"),
  HAPROXY("HAProxy sidecar hop", "through a local HAProxy: HTTP mode, keep-alive, round robin");

  private final String label;
  private final String description;

  Variant(String label, String description) {
    this.label = label;
    this.description = description;
  }

  public String label() {
    return label;
  }

  public String description() {
    return description;
  }
}
