package io.inmesh.telemetry;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.log.AgentLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Istio's standard metrics, as a sidecar reports them with {@code reporter="source"}, recorded
 * from every call: {@code istio_requests_total}, {@code istio_request_duration_milliseconds},
 * {@code istio_request_bytes}, {@code istio_response_bytes}, and the TCP metrics for
 * connection-level destinations. Histograms use Envoy's default buckets, so Istio's Grafana
 * dashboards and Kiali read them unchanged. Also the agent's own {@code inmesh_*} health metrics.
 *
 * <p>Hot path: a call finds its meters in one hash lookup keyed by a small record (destination
 * labels, protocol, code, flags); labels are only built when a new series is created. Series are
 * capped ({@code maxSeries}); calls beyond the cap are not recorded and are counted in
 * {@code inmesh_metrics_dropped_total}. No label ever carries a path, query or header value.
 */
public final class IstioMetrics implements CallListener {

  private static final AgentLog LOG = AgentLog.get(IstioMetrics.class);

  /** Envoy's default histogram buckets, which Istio's metrics use (milliseconds, bytes). */
  static final double[] BUCKETS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
      30000, 60000, 300000, 600000, 1800000, 3600000};

  public static final int DEFAULT_MAX_SERIES = 10_000;

  static final String REQUESTS = "istio_requests_total";
  static final String DURATION = "istio_request_duration_milliseconds";
  static final String REQUEST_BYTES = "istio_request_bytes";
  static final String RESPONSE_BYTES = "istio_response_bytes";
  static final String TCP_SENT = "istio_tcp_sent_bytes_total";
  static final String TCP_RECEIVED = "istio_tcp_received_bytes_total";
  static final String TCP_OPENED = "istio_tcp_connections_opened_total";
  static final String TCP_CLOSED = "istio_tcp_connections_closed_total";

  /**
   * The Prometheus names scraped. Micrometer adds a {@code _max} gauge to every histogram, which
   * Istio does not have; scraping by name leaves it out. Counters are named here without
   * {@code _total}, which the Prometheus client adds back.
   */
  private static final Set<String> EXPOSED = Set.of("istio_requests", DURATION, REQUEST_BYTES,
      RESPONSE_BYTES, "istio_tcp_sent_bytes", "istio_tcp_received_bytes",
      "istio_tcp_connections_opened", "istio_tcp_connections_closed", "inmesh_xds_connected",
      "inmesh_xds_config_version", "inmesh_xds_nacks", "inmesh_xds_resources",
      "inmesh_outlier_ejected_hosts",
      "inmesh_local_replies", "inmesh_metrics_dropped", "inmesh_access_log_dropped",
      "inmesh_access_log_written", "inmesh_access_log_failed_posts");

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** The labels of one series beyond the source labels, which are fixed. */
  private record SeriesKey(Destination destination, String protocol, int responseCode,
      String responseFlags, boolean mutualTls) {}

  private record TcpKey(Destination destination, String responseFlags) {}

  private record Series(Counter requests, DistributionSummary duration,
      DistributionSummary requestBytes, DistributionSummary responseBytes) {}

  private record TcpSeries(Counter sent, Counter received, Counter opened, Counter closed) {}

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Tags sourceTags;
  private final EndpointMetadata endpoints;
  private final int maxSeries;
  private final Map<SeriesKey, Series> series = new ConcurrentHashMap<>();
  private final Map<TcpKey, TcpSeries> tcpSeries = new ConcurrentHashMap<>();
  private final Map<String, Destination> destinations = new ConcurrentHashMap<>();
  private final Map<String, Counter> localReplies = new ConcurrentHashMap<>();
  private final Counter dropped;

  public IstioMetrics(SourceWorkload source, EndpointMetadata endpoints) {
    this(source, endpoints, DEFAULT_MAX_SERIES);
  }

  /**
   * @param source the application's workload (source labels)
   * @param endpoints endpoint workload lookup, {@link EndpointMetadata#NONE} when unknown
   * @param maxSeries the most label sets kept per metric family
   */
  public IstioMetrics(SourceWorkload source, EndpointMetadata endpoints, int maxSeries) {
    SourceWorkload s = source != null ? source : SourceWorkload.UNKNOWN_WORKLOAD;
    this.sourceTags = Tags.of(
        "reporter", "source",
        "source_workload", s.workload(),
        "source_workload_namespace", s.namespace(),
        "source_principal", s.principal(),
        "source_app", s.app(),
        "source_version", s.version(),
        "source_canonical_service", s.canonicalService(),
        "source_canonical_revision", s.canonicalRevision(),
        "source_cluster", s.cluster());
    this.endpoints = endpoints != null ? endpoints : EndpointMetadata.NONE;
    this.maxSeries = maxSeries;
    this.dropped = Counter.builder("inmesh_metrics_dropped_total")
        .description("Calls not recorded because the series cap was reached")
        .register(registry);
  }

  /** The registry, for the runtime's own meters (relocated Micrometer types). */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void onCall(CallRecord call) {
    try {
      record(call);
    } catch (RuntimeException e) {
      LOG.debug("metrics for a call failed: %s", e);
    }
  }

  private void record(CallRecord call) {
    Destination destination = destination(call.cluster(), call.target(), call.upstreamHost());
    if (call.mutualTls()) {
      destination = destination.withPrincipal(call.peerPrincipal());
    }
    String flags = call.responseFlags() == null || call.responseFlags().isEmpty()
        ? "-" : call.responseFlags();
    String protocol = call.protocol() == null ? "http" : call.protocol();
    if (call.upstreamHost() == null && call.responseCode() > 0) {
      localReply(flags);
    }
    SeriesKey key = new SeriesKey(destination, protocol, call.responseCode(), flags,
        call.mutualTls());
    Series s = series.get(key);
    if (s == null) {
      if (series.size() >= maxSeries) {
        dropped.increment();
        return;
      }
      s = series.computeIfAbsent(key, this::newSeries);
    }
    s.requests().increment();
    s.duration().record(call.durationNanos() / 1_000_000.0);
    s.requestBytes().record(Math.max(0, call.requestBytes()));
    s.responseBytes().record(Math.max(0, call.responseBytes()));
  }

  /** A TCP connection to the cluster was opened ({@code istio_tcp_connections_opened_total}). */
  public void tcpOpened(String cluster, String upstreamHost) {
    TcpSeries s = tcp(cluster, upstreamHost, "-");
    if (s != null) {
      s.opened().increment();
    }
  }

  /** Bytes sent and received on a TCP connection since the last report. */
  public void tcpBytes(String cluster, String upstreamHost, long sent, long received) {
    TcpSeries s = tcp(cluster, upstreamHost, "-");
    if (s != null) {
      s.sent().increment(Math.max(0, sent));
      s.received().increment(Math.max(0, received));
    }
  }

  /** A TCP connection closed; {@code responseFlags} as Envoy's ({@code -}, {@code UF}, ...). */
  public void tcpClosed(String cluster, String upstreamHost, String responseFlags) {
    TcpSeries s = tcp(cluster, upstreamHost, responseFlags == null ? "-" : responseFlags);
    if (s != null) {
      s.closed().increment();
    }
  }

  private TcpSeries tcp(String cluster, String upstreamHost, String flags) {
    TcpKey key = new TcpKey(destination(cluster, null, upstreamHost), flags);
    TcpSeries s = tcpSeries.get(key);
    if (s == null) {
      if (tcpSeries.size() >= maxSeries) {
        dropped.increment();
        return null;
      }
      s = tcpSeries.computeIfAbsent(key, this::newTcpSeries);
    }
    return s;
  }

  private Destination destination(String cluster, String target, String upstreamHost) {
    String key = cluster != null ? cluster : target;
    Destination d = key == null ? Destination.NONE : destinations.get(key);
    if (d == null) {
      d = Destination.of(cluster, target);
      if (destinations.size() < maxSeries) {
        destinations.putIfAbsent(key, d);
      }
    }
    return d.with(endpoints.workload(cluster, upstreamHost));
  }

  private void localReply(String flags) {
    Counter c = localReplies.get(flags);
    if (c == null) {
      if (localReplies.size() >= 64) {
        return;
      }
      c = localReplies.computeIfAbsent(flags, f -> Counter.builder("inmesh_local_replies_total")
          .description("Calls the mesh answered itself, by Envoy response flag")
          .tag("response_flags", f).register(registry));
    }
    c.increment();
  }

  private Tags destinationTags(Destination d) {
    return sourceTags.and(
        "destination_service", d.service(),
        "destination_service_name", d.serviceName(),
        "destination_service_namespace", d.serviceNamespace(),
        "destination_workload", d.workload(),
        "destination_workload_namespace", d.workloadNamespace(),
        "destination_principal", d.principal(),
        "destination_app", d.app(),
        "destination_version", d.version(),
        "destination_canonical_service", d.canonicalService(),
        "destination_canonical_revision", d.canonicalRevision(),
        "destination_cluster", d.cluster());
  }

  private Series newSeries(SeriesKey key) {
    Tags tags = destinationTags(key.destination()).and(
        "request_protocol", key.protocol(),
        "response_code", Integer.toString(key.responseCode()),
        // Envoy leaves it empty for calls that are not gRPC; the runtime reports no gRPC yet.
        "grpc_response_status", "",
        "response_flags", key.responseFlags(),
        // mutual_tls when the mesh's mTLS carried the call (the issue asks the source side to
        // say so); otherwise unknown, as Istio's source reporter says for plaintext
        "connection_security_policy", key.mutualTls() ? "mutual_tls" : "unknown");
    return new Series(
        Counter.builder(REQUESTS).description("Requests").tags(tags).register(registry),
        histogram(DURATION, "Request duration in milliseconds", tags),
        histogram(REQUEST_BYTES, "Request body sizes in bytes", tags),
        histogram(RESPONSE_BYTES, "Response body sizes in bytes", tags));
  }

  private TcpSeries newTcpSeries(TcpKey key) {
    Tags tags = destinationTags(key.destination()).and(
        "request_protocol", "tcp",
        "response_flags", key.responseFlags(),
        "connection_security_policy", "unknown");
    return new TcpSeries(
        Counter.builder(TCP_SENT).description("Bytes sent on TCP connections").tags(tags)
            .register(registry),
        Counter.builder(TCP_RECEIVED).description("Bytes received on TCP connections").tags(tags)
            .register(registry),
        Counter.builder(TCP_OPENED).description("TCP connections opened").tags(tags)
            .register(registry),
        Counter.builder(TCP_CLOSED).description("TCP connections closed").tags(tags)
            .register(registry));
  }

  private DistributionSummary histogram(String name, String help, Tags tags) {
    return DistributionSummary.builder(name).description(help).tags(tags)
        .serviceLevelObjectives(BUCKETS).register(registry);
  }

  private volatile AgentHealth health;

  /**
   * Registers the agent's health gauges, read from the runtime on every scrape. Held strongly:
   * Micrometer keeps a gauge's object only weakly by default, and the suppliers handed over here
   * have no other owner, so the gauges would read NaN after the first collection.
   */
  public void bindHealth(AgentHealth health) {
    // the counter below has no strong-reference option: held here for it
    this.health = health;
    Gauge.builder("inmesh_xds_connected", health.xdsConnected(), h -> h.getAsBoolean() ? 1 : 0)
        .description("1 while the ADS stream to the control plane is up").strongReference(true)
        .register(registry);
    Gauge.builder("inmesh_xds_config_version", health.configVersion(), v -> v.getAsLong())
        .description("Version of the published mesh snapshot").strongReference(true)
        .register(registry);
    FunctionCounter.builder("inmesh_xds_nacks_total", health.nacks(), n -> n.getAsLong())
        .description("xDS responses rejected (NACKed)").register(registry);
    for (String type : AgentHealth.RESOURCE_TYPES) {
      Gauge.builder("inmesh_xds_resources", health.resources(), r -> {
        Map<String, Integer> m = r.get();
        Integer n = m == null ? null : m.get(type);
        return n == null ? 0 : n;
      }).description("xDS resources held, by type").tag("type", type).strongReference(true)
          .register(registry);
    }
  }

  /**
   * The endpoints outlier detection holds ejected now, over every cluster of the live snapshot
   * (one series: per-cluster series would grow with the mesh).
   */
  void bindOutlierEjections(Supplier<MeshSnapshot> snapshot) {
    if (snapshot == null) {
      return;
    }
    Gauge.builder("inmesh_outlier_ejected_hosts", snapshot, s -> {
      MeshSnapshot now = s.get();
      int ejected = 0;
      if (now != null) {
        for (ClusterState cluster : now.clusters().values()) {
          ejected += cluster.outlierDetector().ejectedHosts();
        }
      }
      return ejected;
    }).description("Endpoints ejected by outlier detection now, all clusters")
        .strongReference(true).register(registry);
  }

  /** Exposes the access log's counts (dropped, written, failed collector POSTs) in the scrape. */
  void bindAccessLogDrops(AccessLog log) {
    FunctionCounter.builder("inmesh_access_log_dropped_total", log, AccessLog::dropped)
        .description("Access log lines dropped: the queue was full, or the collector still"
            + " failed after retries").register(registry);
    FunctionCounter.builder("inmesh_access_log_written_total", log, AccessLog::written)
        .description("Access log lines written, or accepted by the collector")
        .register(registry);
    FunctionCounter.builder("inmesh_access_log_failed_posts_total", log, AccessLog::failedPosts)
        .description("Access log collector POSTs that failed (each retry counts)")
        .register(registry);
  }

  /** Series currently held (request metrics). */
  public int seriesCount() {
    return series.size();
  }

  /** Calls not recorded because of the series cap. */
  public long droppedCount() {
    return (long) dropped.count();
  }

  /** The Prometheus text exposition format (0.0.4) of every Istio and agent metric. */
  public String scrape() {
    return registry.scrape(PROMETHEUS_TEXT, EXPOSED);
  }

  static String contentType() {
    return PROMETHEUS_TEXT;
  }
}
