package io.inmesh.examples.controlplane;

import com.github.udpa.udpa.type.v1.TypedStruct;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.Filter;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resources shaped as istiod's default generator sends them to an Envoy sidecar (node metadata
 * without {@code GENERATOR}), so tests feed the agent's sidecar mode what it meets in a cluster,
 * including the parts a client must ignore:
 *
 * <ul>
 *   <li>LDS: an outbound HTTP listener per port ({@code 0.0.0.0_9080}, not bound, an
 *       HttpConnectionManager naming RDS {@code 9080} with Istio's HTTP filters around fault and
 *       router); a listener per TCP service VIP ({@code VIP_PORT}, {@code tcp_proxy} behind
 *       Istio's network filters); {@code virtualOutbound} (0.0.0.0:15001, {@code use_original_dst},
 *       the black hole chain for 15001 and the passthrough chain); {@code virtualInbound}.
 *   <li>RDS: route config named after the port, one virtual host per service with istiod's
 *       domains (names, short names, VIP, each bare and with the port) and the {@code allow_any}
 *       virtual host to {@code PassthroughCluster} (outbound traffic policy ALLOW_ANY).
 *   <li>CDS: EDS clusters {@code outbound|PORT|SUBSET|HOST} with the fields istiod fills in
 *       (circuit breakers, locality weighting, metadata, cluster filters, protocol options,
 *       {@code transport_socket_matches} for auto mTLS, with istiod's SDS-based context),
 *       {@code PassthroughCluster}
 *       (ORIGINAL_DST), {@code BlackHoleCluster} (STATIC, no endpoints),
 *       {@code InboundPassthroughCluster} and an inbound cluster.
 *   <li>NDS: Istio's name table, encoded by hand (no generated classes exist for it).
 * </ul>
 * Test addresses must be loopback (127.x): fake VIPs such as {@code 127.96.0.15}.
 */
public final class SidecarShapes {

  public static final String PASSTHROUGH = "PassthroughCluster";
  public static final String BLACK_HOLE = "BlackHoleCluster";
  public static final String INBOUND_PASSTHROUGH = "InboundPassthroughCluster";
  public static final String NAME_TABLE_TYPE_URL =
      "type.googleapis.com/istio.networking.nds.v1.NameTable";

  private static final String CLUSTER_DNS_SUFFIX = ".svc.cluster.local";

  private SidecarShapes() {}

  // --- LDS ---

  /** {@code 0.0.0.0_PORT}: the outbound HTTP listener istiod writes per service port. */
  public static Listener httpListener(int port, List<HttpFilter> extraFilters) {
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("outbound_0.0.0.0_" + port)
        .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(String.valueOf(port)))
        .addHttpFilters(typedStructFilter("istio.metadata_exchange",
            "type.googleapis.com/io.istio.http.peer_metadata.Config", Struct.getDefaultInstance()))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.grpc_stats")
            .setTypedConfig(Any.newBuilder().setTypeUrl(
                "type.googleapis.com/envoy.extensions.filters.http.grpc_stats.v3.FilterConfig")))
        .addHttpFilters(HttpFilter.newBuilder().setName("istio.alpn")
            .setTypedConfig(Any.newBuilder().setTypeUrl("type.googleapis.com/"
                + "istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig")))
        .addHttpFilters(HttpFilter.newBuilder().setName(IstiodShapes.FAULT_FILTER)
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.cors")
            .setTypedConfig(Any.newBuilder().setTypeUrl(
                "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors")));
    hcm.addAllHttpFilters(extraFilters);
    hcm.addHttpFilters(typedStructFilter("istio.stats", "type.googleapis.com/stats.PluginConfig",
            Struct.getDefaultInstance()))
        .addHttpFilters(HttpFilter.newBuilder().setName(IstiodShapes.ROUTER_FILTER)
            .setTypedConfig(Any.pack(Router.getDefaultInstance())));
    return Listener.newBuilder()
        .setName("0.0.0.0_" + port)
        .setAddress(address("0.0.0.0", port))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .setBindToPort(BoolValue.of(false))
        .addFilterChains(FilterChain.newBuilder()
            .addFilters(networkFilter("envoy.filters.network.http_connection_manager",
                Any.pack(hcm.build()))))
        .build();
  }

  /**
   * {@code VIP_PORT}: the listener istiod writes for a TCP service, {@code tcp_proxy} to its
   * cluster behind Istio's network filters; {@code extraFilters} go before the proxy (where an
   * EnvoyFilter inserts a network local rate limit).
   */
  public static Listener tcpListener(String vip, int port, String cluster,
      List<io.envoyproxy.envoy.config.listener.v3.Filter> extraFilters) {
    FilterChain.Builder chain = FilterChain.newBuilder()
        .addFilters(networkFilter("istio.metadata_exchange", Any.newBuilder().setTypeUrl(
            "type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange").build()))
        .addAllFilters(extraFilters)
        .addFilters(networkFilter("istio.stats", typedStruct(
            "type.googleapis.com/stats.PluginConfig", Struct.getDefaultInstance())))
        .addFilters(networkFilter("envoy.filters.network.tcp_proxy", Any.pack(TcpProxy.newBuilder()
            .setStatPrefix(cluster).setCluster(cluster).build())));
    return Listener.newBuilder()
        .setName(vip + "_" + port)
        .setAddress(address(vip, port))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .setBindToPort(BoolValue.of(false))
        .addFilterChains(chain)
        .build();
  }

  /** {@code virtualOutbound}: 0.0.0.0:15001, the catch-all for destinations no listener binds. */
  public static Listener virtualOutbound() {
    return Listener.newBuilder()
        .setName("virtualOutbound")
        .setAddress(address("0.0.0.0", 15001))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .setUseOriginalDst(BoolValue.of(true))
        .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener"
            + ".original_dst").setTypedConfig(Any.newBuilder().setTypeUrl("type.googleapis.com/"
            + "envoy.extensions.filters.listener.original_dst.v3.OriginalDst")))
        .addFilterChains(FilterChain.newBuilder()
            .setName("virtualOutbound-blackhole")
            .setFilterChainMatch(FilterChainMatch.newBuilder()
                .setDestinationPort(UInt32Value.of(15001)))
            .addFilters(tcpProxyFilter(BLACK_HOLE)))
        .setDefaultFilterChain(FilterChain.newBuilder()
            .setName("PassthroughFilterChain")
            .addFilters(tcpProxyFilter(PASSTHROUGH)))
        .build();
  }

  /** {@code virtualInbound}: 0.0.0.0:15006, a sidecar's server side, with proxy-only parts. */
  public static Listener virtualInbound() {
    return Listener.newBuilder()
        .setName("virtualInbound")
        .setAddress(address("0.0.0.0", 15006))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener"
            + ".tls_inspector").setTypedConfig(Any.newBuilder().setTypeUrl("type.googleapis.com/"
            + "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector")))
        .addFilterChains(FilterChain.newBuilder()
            .setName("inbound|9080||")
            .addFilters(networkFilter("envoy.filters.network.rbac", Any.newBuilder().setTypeUrl(
                "type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC").build()))
            .addFilters(tcpProxyFilter("inbound|9080||")))
        .build();
  }

  /** A network filter: {@code name} and its typed config. */
  public static io.envoyproxy.envoy.config.listener.v3.Filter networkFilter(String name,
      Any config) {
    return io.envoyproxy.envoy.config.listener.v3.Filter.newBuilder().setName(name)
        .setTypedConfig(config).build();
  }

  private static io.envoyproxy.envoy.config.listener.v3.Filter tcpProxyFilter(String cluster) {
    return networkFilter("envoy.filters.network.tcp_proxy", Any.pack(TcpProxy.newBuilder()
        .setStatPrefix(cluster).setCluster(cluster).build()));
  }

  /**
   * An EnvoyFilter-inserted network local rate limit, TypedStruct-wrapped as an EnvoyFilter
   * patch delivers it: {@code maxTokens} connections, refilled every {@code fillSeconds}.
   */
  public static io.envoyproxy.envoy.config.listener.v3.Filter networkLocalRateLimit(
      int maxTokens, int fillSeconds) {
    Struct bucket = struct(Map.of("max_tokens", num(maxTokens), "tokens_per_fill",
        num(maxTokens), "fill_interval", str(fillSeconds + "s")));
    return networkFilter("envoy.filters.network.local_ratelimit", typedStruct(
        "type.googleapis.com/envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit",
        struct(Map.of("stat_prefix", str("tcp_local_rate_limiter"),
            "token_bucket", Value.newBuilder().setStructValue(bucket).build()))));
  }

  /**
   * The HTTP local rate limit of Istio's EnvoyFilter example, TypedStruct-wrapped: {@code
   * maxTokens} requests per {@code fillSeconds}, enabled and enforced for all, with the
   * {@code x-local-rate-limit} response header.
   */
  public static HttpFilter httpLocalRateLimit(int maxTokens, int fillSeconds) {
    Value fractional = Value.newBuilder().setStructValue(struct(Map.of(
        "runtime_key", str("local_rate_limit_enabled"),
        "default_value", Value.newBuilder().setStructValue(struct(Map.of(
            "numerator", num(100), "denominator", str("HUNDRED")))).build()))).build();
    Value header = Value.newBuilder().setStructValue(struct(Map.of(
        "append_action", str("OVERWRITE_IF_EXISTS_OR_ADD"),
        "header", Value.newBuilder().setStructValue(struct(Map.of(
            "key", str("x-local-rate-limit"), "value", str("true")))).build()))).build();
    Struct config = struct(Map.of(
        "stat_prefix", str("http_local_rate_limiter"),
        "token_bucket", Value.newBuilder().setStructValue(struct(Map.of(
            "max_tokens", num(maxTokens), "tokens_per_fill", num(maxTokens),
            "fill_interval", str(fillSeconds + "s")))).build(),
        "filter_enabled", fractional,
        "filter_enforced", fractional,
        "response_headers_to_add", Value.newBuilder().setListValue(
            com.google.protobuf.ListValue.newBuilder().addValues(header)).build()));
    return typedStructFilter("envoy.filters.http.local_ratelimit",
        "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
        config);
  }

  // --- RDS ---

  /** Route config {@code PORT}: the services' virtual hosts, then {@code allow_any}. */
  public static RouteConfiguration routeConfig(int port, List<VirtualHost> services) {
    return RouteConfiguration.newBuilder()
        .setName(String.valueOf(port))
        .addAllVirtualHosts(services)
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName("allow_any")
            .addDomains("*")
            .addRoutes(Route.newBuilder().setName("allow_any")
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster(PASSTHROUGH)
                    .setTimeout(Duration.newBuilder().setSeconds(0)))))
        .setValidateClusters(BoolValue.of(false))
        .build();
  }

  /**
   * The virtual host istiod writes for a service in a sidecar's route config: named
   * {@code HOST:PORT}, with the host's names (as {@link IstiodShapes#domains}) and its VIP, each
   * bare and with the port.
   */
  public static VirtualHost virtualHost(String hostname, int port, String vip,
      List<Route> routes) {
    List<String> domains = new ArrayList<>(IstiodShapes.domains(hostname, port));
    domains.add(vip);
    domains.add(vip + ":" + port);
    return VirtualHost.newBuilder()
        .setName(hostname + ":" + port)
        .addAllDomains(domains)
        .addAllRoutes(routes)
        .setIncludeRequestAttemptCount(true)
        .build();
  }

  // --- CDS ---

  /**
   * EDS cluster {@code outbound|PORT|SUBSET|HOST} as istiod writes it for a sidecar, with Istio's
   * defaults (LEAST_REQUEST, the effectively unlimited circuit breakers) and the fields a client
   * does not apply; {@code outliers} (a DestinationRule's outlierDetection) may be null.
   */
  public static Cluster edsCluster(String hostname, int port, String subset,
      CircuitBreakers.Thresholds breakers, OutlierDetection outliers) {
    return edsCluster(hostname, port, subset, breakers, outliers,
        "outbound_." + port + "_." + subset + "_." + hostname, List.of());
  }

  /**
   * The same cluster with the {@code sni} and {@code sans} (the service accounts' SPIFFE IDs) of
   * its auto mTLS socket match {@code tlsMode-istio} ({@link IstioMutualTls#sidecarContext});
   * endpoints that carry {@code tlsMode: istio} ({@link #meshEndpoints}) are called with it,
   * the others in plaintext ({@code tlsMode-disabled}).
   */
  public static Cluster edsCluster(String hostname, int port, String subset,
      CircuitBreakers.Thresholds breakers, OutlierDetection outliers, String sni,
      List<String> sans) {
    String name = IstiodShapes.clusterName(hostname, port, subset);
    Struct services = struct(Map.of("services", Value.newBuilder().setListValue(
        com.google.protobuf.ListValue.newBuilder().addValues(Value.newBuilder().setStructValue(
            struct(Map.of("host", str(hostname), "name", str(shortName(hostname)),
                "namespace", str("default")))))).build()));
    Cluster.Builder c = Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(ads()).setServiceName(name))
        .setConnectTimeout(Duration.newBuilder().setSeconds(10))
        .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(breakers != null
            ? breakers : CircuitBreakers.Thresholds.newBuilder()
                .setPriority(RoutingPriority.DEFAULT)
                .setMaxConnections(UInt32Value.of(-1))
                .setMaxPendingRequests(UInt32Value.of(-1))
                .setMaxRequests(UInt32Value.of(-1))
                .setMaxRetries(UInt32Value.of(-1))
                .setTrackRemaining(true).build()))
        .setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
            .setLocalityWeightedLbConfig(
                Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance()))
        .setMetadata(Metadata.newBuilder().putFilterMetadata("istio", services))
        .addFilters(Filter.newBuilder().setName("istio.metadata_exchange").setTypedConfig(
            Any.newBuilder().setTypeUrl(
                "type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange")))
        .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            Any.newBuilder().setTypeUrl("type.googleapis.com/"
                + "envoy.extensions.upstreams.http.v3.HttpProtocolOptions").build())
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-istio")
            .setMatch(struct(Map.of("tlsMode", str("istio"))))
            .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(IstioMutualTls.sidecarContext(sni, sans)))))
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-disabled")
            .setMatch(Struct.getDefaultInstance())
            .setTransportSocket(TransportSocket.newBuilder().setName(
                "envoy.transport_sockets.raw_buffer").setTypedConfig(Any.newBuilder().setTypeUrl(
                    "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3"
                        + ".RawBuffer"))));
    if (outliers != null) {
      c.setOutlierDetection(outliers);
    }
    return c.build();
  }

  // --- EDS ---

  /**
   * {@link IstiodShapes#endpoints} of workloads with a sidecar (or a proxyless agent): istiod
   * labels each with {@code filter_metadata["envoy.transport_socket_match"] = {tlsMode: istio}},
   * which selects the cluster's {@code tlsMode-istio} socket (auto mTLS). Only for backends that
   * speak Istio's mTLS.
   */
  public static ClusterLoadAssignment meshEndpoints(String clusterName, String... hostPorts) {
    ClusterLoadAssignment.Builder cla = IstiodShapes.endpoints(clusterName, hostPorts).toBuilder();
    Metadata tlsMode = Metadata.newBuilder().putFilterMetadata("envoy.transport_socket_match",
        struct(Map.of("tlsMode", str("istio")))).build();
    for (LocalityLbEndpoints.Builder locality : cla.getEndpointsBuilderList()) {
      for (LbEndpoint.Builder lb : locality.getLbEndpointsBuilderList()) {
        lb.setMetadata(tlsMode);
      }
    }
    return cla.build();
  }

  /** {@code PassthroughCluster}: ORIGINAL_DST, calls go where the application sent them. */
  public static Cluster passthroughCluster() {
    return Cluster.newBuilder()
        .setName(PASSTHROUGH)
        .setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setConnectTimeout(Duration.newBuilder().setSeconds(10))
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            Any.newBuilder().setTypeUrl("type.googleapis.com/"
                + "envoy.extensions.upstreams.http.v3.HttpProtocolOptions").build())
        .build();
  }

  /** {@code BlackHoleCluster}: STATIC without endpoints, calls fail. */
  public static Cluster blackHoleCluster() {
    return Cluster.newBuilder()
        .setName(BLACK_HOLE)
        .setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(Duration.newBuilder().setSeconds(10))
        .build();
  }

  /** {@code InboundPassthroughCluster}: ORIGINAL_DST bound to 127.0.0.6, a server-side one. */
  public static Cluster inboundPassthroughCluster() {
    return Cluster.newBuilder()
        .setName(INBOUND_PASSTHROUGH)
        .setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setCleanupInterval(Duration.newBuilder().setSeconds(60))
        .setUpstreamBindConfig(BindConfig.newBuilder().setSourceAddress(SocketAddress.newBuilder()
            .setAddress("127.0.0.6").setPortValue(0)))
        .build();
  }

  /** An inbound cluster {@code inbound|PORT||}, STATIC to the local app. */
  public static Cluster inboundCluster(int port) {
    return Cluster.newBuilder()
        .setName("inbound|" + port + "||")
        .setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setUpstreamBindConfig(BindConfig.newBuilder().setSourceAddress(SocketAddress.newBuilder()
            .setAddress("127.0.0.6").setPortValue(0)))
        .build();
  }

  // --- NDS ---

  /** One host of the name table ({@code NameTable.NameInfo}). */
  public record NameInfo(List<String> ips, String registry, String shortname, String namespace) {

    /** A Kubernetes service {@code NAME.NAMESPACE.svc.cluster.local} at {@code ips}. */
    public static NameInfo kubernetes(String hostname, String... ips) {
      String rest = hostname.substring(0, hostname.length() - CLUSTER_DNS_SUFFIX.length());
      int dot = rest.indexOf('.');
      return new NameInfo(List.of(ips), "Kubernetes", rest.substring(0, dot),
          rest.substring(dot + 1));
    }
  }

  /**
   * Istio's NDS resource ({@code istio.networking.nds.v1.NameTable}: {@code map<string, NameInfo>
   * table = 1}; NameInfo: {@code ips = 1, registry = 2, shortname = 3, namespace = 4}), encoded by
   * hand as no Java classes exist for it.
   */
  public static Any nameTable(Map<String, NameInfo> table) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      for (Map.Entry<String, NameInfo> e : table.entrySet()) {
        ByteString info = nameInfo(e.getValue());
        ByteArrayOutputStream entryBytes = new ByteArrayOutputStream();
        CodedOutputStream entry = CodedOutputStream.newInstance(entryBytes);
        entry.writeString(1, e.getKey());
        entry.writeBytes(2, info);
        entry.flush();
        out.writeBytes(1, ByteString.copyFrom(entryBytes.toByteArray()));
      }
      out.flush();
      return Any.newBuilder().setTypeUrl(NAME_TABLE_TYPE_URL)
          .setValue(ByteString.copyFrom(bytes.toByteArray())).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ByteString nameInfo(NameInfo info) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (String ip : info.ips()) {
      out.writeString(1, ip);
    }
    out.writeString(2, info.registry());
    out.writeString(3, info.shortname());
    out.writeString(4, info.namespace());
    out.flush();
    return ByteString.copyFrom(bytes.toByteArray());
  }

  // --- helpers ---

  /** A {@code udpa.type.v1.TypedStruct} holding {@code value} as {@code typeUrl}. */
  public static Any typedStruct(String typeUrl, Struct value) {
    return Any.pack(TypedStruct.newBuilder().setTypeUrl(typeUrl).setValue(value).build());
  }

  private static HttpFilter typedStructFilter(String name, String typeUrl, Struct value) {
    return HttpFilter.newBuilder().setName(name).setTypedConfig(typedStruct(typeUrl, value))
        .build();
  }

  private static Struct struct(Map<String, Value> fields) {
    return Struct.newBuilder().putAllFields(fields).build();
  }

  private static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Value num(double n) {
    return Value.newBuilder().setNumberValue(n).build();
  }

  private static String shortName(String hostname) {
    int dot = hostname.indexOf('.');
    return dot < 0 ? hostname : hostname.substring(0, dot);
  }

  private static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  private static Address address(String ip, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))
        .build();
  }
}
