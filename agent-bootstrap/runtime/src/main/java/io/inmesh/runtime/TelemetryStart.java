package io.inmesh.runtime;

import io.inmesh.policies.log.AgentLog;
import io.inmesh.telemetry.AccessLogConfig;
import io.inmesh.telemetry.AgentHealth;
import io.inmesh.telemetry.SourceWorkload;
import io.inmesh.telemetry.Telemetry;
import io.inmesh.telemetry.TelemetryConfig;
import io.inmesh.telemetry.trace.ClientSpans;
import io.inmesh.telemetry.trace.TracingConfig;
import io.inmesh.xds.bootstrap.Bootstrap;


/**
 * Starts telemetry (metrics, Prometheus and admin listeners, access log) off the premain thread,
 * once the xDS client is up, and hands its call listener to the data plane. Calls made before
 * that are not recorded.
 */
final class TelemetryStart {

  private static final AgentLog LOG = AgentLog.get(TelemetryStart.class);

  private TelemetryStart() {}

  /** @return the started telemetry, or null when it is off or failed */
  static Telemetry start(AgentConfig config, Bootstrap bootstrap, XdsMeshSource source,
      MeshRuntime runtime) {
    if (!config.telemetry()) {
      return null;
    }
    try {
      AccessLogConfig accessLog = "off".equalsIgnoreCase(config.accessLog())
          ? AccessLogConfig.OFF
          : new AccessLogConfig(config.accessLog(),
              AccessLogConfig.parseStatusClasses(config.accessLogStatus()),
              config.accessLogSample(), AccessLogConfig.DEFAULT_QUEUE_CAPACITY,
              config.accessLogToken());
      TelemetryConfig telemetryConfig = new TelemetryConfig(
          TelemetryConfig.address(config.admin()), TelemetryConfig.address(config.metrics()),
          accessLog, 0);
      AgentHealth health = new AgentHealth(source::ready, source::connected,
          () -> source.snapshot().version(), source::nacks, source::resourceCounts,
          source::xdsStatus);
      Telemetry telemetry = Telemetry.start(telemetryConfig,
          SourceWorkload.fromNode(bootstrap.node()),
          new SnapshotEndpointMetadata(source::snapshot), health, source::snapshot);
      runtime.addListener(telemetry.listener());
      runtime.tcpMetrics(telemetry.metrics());
      startTracing(config, bootstrap, telemetry, runtime);
      return telemetry;
    } catch (RuntimeException | LinkageError e) {
      LOG.error(e, "telemetry did not start; calls are still routed");
      return null;
    }
  }

  /**
   * Client spans when the OTEL_* variables (or {@code tracing=on}) ask for them. Bad settings are
   * logged and tracing stays off; metrics and routing are unaffected.
   */
  private static void startTracing(AgentConfig config, Bootstrap bootstrap, Telemetry telemetry,
      MeshRuntime runtime) {
    try {
      TracingConfig tracing = TracingConfig.from(config.tracing(), System.getenv(),
          System.getProperties());
      SourceWorkload source = SourceWorkload.fromNode(bootstrap.node());
      ClientSpans spans = ClientSpans.start(tracing,
          "unknown".equals(source.canonicalService()) ? null : source.canonicalService());
      if (spans != null) {
        telemetry.tracing(spans);
        runtime.tracing(spans);
      }
    } catch (RuntimeException | LinkageError e) {
      LOG.error("tracing did not start: %s; calls are routed and measured without spans",
          e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }
}
