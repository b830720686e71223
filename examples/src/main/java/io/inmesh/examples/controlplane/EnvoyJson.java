package io.inmesh.examples.controlplane;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSession;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads a set of Envoy v3 resources written in proto3 JSON:
 * <pre>{@code {"listeners": [...], "routes": [...], "clusters": [...], "endpoints": [...]}}</pre>
 * Keys starting with "_" are comments. Any other key is an error, so that a typo such as
 * "cluster" does not silently serve no clusters.
 */
public final class EnvoyJson {

  /**
   * The types an Any inside a listener, route or cluster may hold in istiod's output and in the
   * policies Inmesh reads. An Any of another type fails to parse with the type's name.
   */
  public static final TypeRegistry TYPES = TypeRegistry.newBuilder()
      .add(HttpConnectionManager.getDescriptor())
      .add(TcpProxy.getDescriptor())
      .add(Router.getDescriptor())
      .add(HTTPFault.getDescriptor())
      .add(LocalRateLimit.getDescriptor())
      .add(RBAC.getDescriptor())
      .add(RBACPerRoute.getDescriptor())
      .add(StatefulSession.getDescriptor())
      .add(UpstreamTlsContext.getDescriptor())
      .add(RoundRobin.getDescriptor())
      .add(LeastRequest.getDescriptor())
      .add(RingHash.getDescriptor())
      .add(WrrLocality.getDescriptor())
      .build();

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().usingTypeRegistry(TYPES);
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().usingTypeRegistry(TYPES);

  private EnvoyJson() {}

  /** @throws InvalidResourcesException naming the array and index of the first bad resource */
  public static XdsResources parse(String json) throws InvalidResourcesException {
    JsonObject root;
    try {
      JsonElement element = JsonParser.parseString(json);
      if (!element.isJsonObject()) {
        throw new InvalidResourcesException("expected a JSON object at the top level");
      }
      root = element.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new InvalidResourcesException("not valid JSON: " + rootCause(e).getMessage());
    }
    for (String key : root.keySet()) {
      if (!key.startsWith("_") && !List.of("listeners", "routes", "clusters", "endpoints").contains(key)) {
        throw new InvalidResourcesException("unknown key \"" + key
            + "\" (expected listeners, routes, clusters, endpoints; \"_...\" for comments)");
      }
    }
    return new XdsResources(
        list(root, "listeners", Listener::newBuilder),
        list(root, "routes", RouteConfiguration::newBuilder),
        list(root, "clusters", Cluster::newBuilder),
        list(root, "endpoints", ClusterLoadAssignment::newBuilder));
  }

  /** The resources as this class reads them, for writing a file from code-built resources. */
  public static String print(XdsResources resources) {
    JsonObject root = new JsonObject();
    root.add("listeners", array(resources.listeners()));
    root.add("routes", array(resources.routes()));
    root.add("clusters", array(resources.clusters()));
    root.add("endpoints", array(resources.endpoints()));
    return new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(root);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Message> List<T> list(
      JsonObject root, String key, Supplier<? extends Message.Builder> newBuilder)
      throws InvalidResourcesException {
    JsonElement value = root.get(key);
    if (value == null || value.isJsonNull()) {
      return List.of();
    }
    if (!value.isJsonArray()) {
      throw new InvalidResourcesException("\"" + key + "\" must be an array");
    }
    List<T> out = new ArrayList<>();
    JsonArray array = value.getAsJsonArray();
    for (int i = 0; i < array.size(); i++) {
      Message.Builder builder = newBuilder.get();
      try {
        PARSER.merge(array.get(i).toString(), builder);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        throw new InvalidResourcesException(
            key + "[" + i + "]" + nameOf(array.get(i)) + ": " + messageOf(e));
      }
      out.add((T) builder.build());
    }
    return out;
  }

  private static JsonArray array(List<? extends Message> messages) {
    JsonArray array = new JsonArray();
    for (Message message : messages) {
      try {
        array.add(JsonParser.parseString(PRINTER.print(message)));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("cannot print " + message.getClass().getSimpleName(), e);
      }
    }
    return array;
  }

  private static String nameOf(JsonElement resource) {
    if (resource.isJsonObject()) {
      for (String field : List.of("name", "cluster_name", "clusterName")) {
        JsonElement name = resource.getAsJsonObject().get(field);
        if (name != null && name.isJsonPrimitive()) {
          return " (" + name.getAsString() + ")";
        }
      }
    }
    return "";
  }

  private static String messageOf(Exception e) {
    return e.getMessage() != null ? e.getMessage() : rootCause(e).toString();
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** A resource file that cannot be served; the message says where and why. */
  public static final class InvalidResourcesException extends Exception {
    public InvalidResourcesException(String message) {
      super(message);
    }
  }
}
