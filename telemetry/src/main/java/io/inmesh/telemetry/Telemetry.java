package io.inmesh.telemetry;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.log.AgentLog;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The telemetry the agent runtime starts once: Istio metrics, the access log, the Prometheus
 * listener, the admin server, and client spans when tracing is on. The runtime feeds every finished call to {@link #listener()}.
 * Nothing here is fatal: a listener that cannot bind or a log file that cannot be opened is
 * logged and left out.
 */
public final class Telemetry implements AutoCloseable {

  private static final AgentLog LOG = AgentLog.get(Telemetry.class);

  private final IstioMetrics metrics;
  private final AccessLog accessLog;
  private final MetricsServer metricsServer;
  private final AdminServer adminServer;
  private final CallListener listener;
  private volatile AutoCloseable tracing;

  private Telemetry(IstioMetrics metrics, AccessLog accessLog, MetricsServer metricsServer,
      AdminServer adminServer) {
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.metricsServer = metricsServer;
    this.adminServer = adminServer;
    this.listener = accessLog == null ? metrics : call -> {
      metrics.onCall(call);
      accessLog.onCall(call);
    };
  }

  /**
   * Starts telemetry.
   *
   * @param config listeners and access log
   * @param source the application's workload ({@link SourceWorkload#fromNode})
   * @param endpoints endpoint workload metadata, {@link EndpointMetadata#NONE} until xDS has it
   * @param health the runtime's health (readiness and xDS gauges)
   * @param snapshot the published snapshot, read by the admin endpoints
   */
  public static Telemetry start(TelemetryConfig config, SourceWorkload source,
      EndpointMetadata endpoints, AgentHealth health, Supplier<MeshSnapshot> snapshot) {
    TelemetryConfig c = config != null ? config : TelemetryConfig.defaults();
    AgentHealth h = health != null ? health : AgentHealth.NONE;
    IstioMetrics metrics = new IstioMetrics(source, endpoints, c.maxSeries());
    metrics.bindHealth(h);
    metrics.bindOutlierEjections(snapshot);
    AccessLog log = AccessLog.open(c.accessLog());
    if (log != null) {
      metrics.bindAccessLogDrops(log);
    }
    MetricsServer ms = c.metricsAddress() == null ? null
        : MetricsServer.start(c.metricsAddress(), metrics);
    AdminServer admin = c.adminAddress() == null ? null
        : AdminServer.start(c.adminAddress(), metrics, h.ready(), snapshot,
            h.xdsStatus());
    LOG.info("telemetry: metrics %s, admin %s, access log %s",
        ms == null ? "off" : ms.address(), admin == null ? "off" : admin.address(),
        log == null ? "off" : c.accessLog().target());
    return new Telemetry(metrics, log, ms, admin);
  }

  /** Told about every finished call: metrics, then the access log. Never throws or blocks. */
  public CallListener listener() {
    return listener;
  }

  public IstioMetrics metrics() {
    return metrics;
  }

  /** The access log, or null when off. */
  public AccessLog accessLog() {
    return accessLog;
  }

  /** The bound Prometheus listener address, or null when not serving. */
  public InetSocketAddress metricsAddress() {
    return metricsServer == null ? null : metricsServer.address();
  }

  /** The bound admin address, or null when not serving. */
  public InetSocketAddress adminAddress() {
    return adminServer == null ? null : adminServer.address();
  }

  /** Hands over the client spans ({@code trace.ClientSpans}), flushed and closed with the rest. */
  public void tracing(AutoCloseable clientSpans) {
    this.tracing = clientSpans;
  }

  @Override
  public void close() {
    AutoCloseable t = tracing;
    if (t != null) {
      try {
        t.close();
      } catch (Exception e) {
        LOG.warn(e, "client spans did not close");
      }
    }
    if (adminServer != null) {
      adminServer.close();
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    if (accessLog != null) {
      accessLog.close();
    }
  }
}
