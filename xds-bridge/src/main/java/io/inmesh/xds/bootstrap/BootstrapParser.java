package io.inmesh.xds.bootstrap;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.inmesh.policies.log.AgentLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the gRPC xDS bootstrap JSON (gRFC A27). Lenient where real files are sloppy: unknown
 * fields ({@code server_listener_resource_name_template}, {@code "UserAgentVersionType": null})
 * and explicit nulls are ignored; strict where a wrong value would silently mis-configure: a
 * missing {@code xds_servers} or a field of the wrong JSON type is an error.
 */
public final class BootstrapParser {

  private static final AgentLog LOG = AgentLog.get(BootstrapParser.class);

  public Bootstrap parse(String json, String source) throws BootstrapException {
    JsonElement root;
    try {
      root = JsonParser.parseString(json);
    } catch (JsonParseException e) {
      throw new BootstrapException(source, "not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isJsonObject()) {
      throw new BootstrapException(source, "not JSON: expected an object at the top level");
    }
    JsonObject top = root.getAsJsonObject();
    XdsServer server = parseServer(top, source);
    Node node = parseNode(top, source);
    return new Bootstrap(source, server, node,
        CertificateProvidersParser.parse(top.get("certificate_providers"), source));
  }

  private XdsServer parseServer(JsonObject top, String source) throws BootstrapException {
    JsonArray servers = array(top, "xds_servers", source);
    if (servers == null) {
      throw new BootstrapException(source, "xds_servers is missing");
    }
    if (servers.isEmpty()) {
      throw new BootstrapException(source, "xds_servers is empty");
    }
    if (!servers.get(0).isJsonObject()) {
      throw new BootstrapException(source, "xds_servers[0] is not an object");
    }
    JsonObject first = servers.get(0).getAsJsonObject();
    String uri = string(first, "server_uri", "xds_servers[0].", source);
    if (uri == null) {
      throw new BootstrapException(source, "xds_servers[0].server_uri is missing");
    }
    ServerUri serverUri;
    try {
      serverUri = ServerUri.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new BootstrapException(source, "xds_servers[0]." + e.getMessage());
    }
    JsonObject[] tlsConfig = new JsonObject[1];
    ChannelCredentialsType creds = parseChannelCreds(first, source, tlsConfig);
    List<String> features = new ArrayList<>();
    JsonArray featureArray = array(first, "server_features", source);
    if (featureArray != null) {
      for (JsonElement f : featureArray) {
        if (f.isJsonPrimitive()) {
          features.add(f.getAsString());
        }
      }
    }
    return new XdsServer(serverUri, creds, features, creds == ChannelCredentialsType.TLS
        ? CertificateProvidersParser.channelTls(tlsConfig[0], source) : null);
  }

  /**
   * gRPC picks the first {@code channel_creds} entry whose type it supports (gRFC A27):
   * {@code insecure}, or {@code tls} (gRFC A65, its {@code config} returned in
   * {@code tlsConfig[0]}). {@code google_default} (Google's own credentials, which only Google's
   * control plane takes) is skipped with a warning.
   */
  private ChannelCredentialsType parseChannelCreds(JsonObject server, String source,
      JsonObject[] tlsConfig) throws BootstrapException {
    JsonArray creds = array(server, "channel_creds", source);
    if (creds == null || creds.isEmpty()) {
      throw new BootstrapException(source, "xds_servers[0].channel_creds is missing");
    }
    List<String> seen = new ArrayList<>();
    for (JsonElement entry : creds) {
      if (!entry.isJsonObject()) {
        continue;
      }
      String type = string(entry.getAsJsonObject(), "type", "xds_servers[0].channel_creds[].",
          source);
      if (type == null) {
        continue;
      }
      String lower = type.toLowerCase(Locale.ROOT);
      if (lower.equals("insecure") || lower.equals("tls")) {
        if (!seen.isEmpty()) {
          LOG.warn("%s: channel_creds %s not supported, using %s", source, seen, lower);
        }
        if (lower.equals("insecure")) {
          return ChannelCredentialsType.INSECURE;
        }
        JsonElement config = entry.getAsJsonObject().get("config");
        if (config != null && !config.isJsonNull() && !config.isJsonObject()) {
          throw new BootstrapException(source, "xds_servers[0].channel_creds tls config is not"
              + " an object");
        }
        tlsConfig[0] = config == null || config.isJsonNull() ? new JsonObject()
            : config.getAsJsonObject();
        return ChannelCredentialsType.TLS;
      }
      seen.add(type);
    }
    throw new BootstrapException(source, "xds_servers[0].channel_creds has no supported type "
        + "(supported: insecure, tls; found: " + seen + ")");
  }

  private Node parseNode(JsonObject top, String source) throws BootstrapException {
    Node.Builder node = Node.newBuilder();
    JsonObject json = object(top, "node", "", source);
    if (json == null) {
      // gRFC A27: node is optional; istiod needs an id, so say so.
      LOG.warn("%s: node is missing; the xDS server may not identify this workload", source);
      return node.build();
    }
    String id = string(json, "id", "node.", source);
    if (id != null) {
      node.setId(id);
    }
    String cluster = string(json, "cluster", "node.", source);
    if (cluster != null) {
      node.setCluster(cluster);
    }
    JsonObject metadata = object(json, "metadata", "node.", source);
    if (metadata != null) {
      node.setMetadata(JsonStruct.toStruct(metadata));
    }
    JsonObject locality = object(json, "locality", "node.", source);
    if (locality != null) {
      Locality.Builder l = Locality.newBuilder();
      String region = string(locality, "region", "node.locality.", source);
      String zone = string(locality, "zone", "node.locality.", source);
      String subZone = string(locality, "sub_zone", "node.locality.", source);
      if (region != null) {
        l.setRegion(region);
      }
      if (zone != null) {
        l.setZone(zone);
      }
      if (subZone != null) {
        l.setSubZone(subZone);
      }
      node.setLocality(l);
    }
    return node.build();
  }

  private static JsonArray array(JsonObject parent, String name, String source)
      throws BootstrapException {
    JsonElement e = parent.get(name);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonArray()) {
      throw new BootstrapException(source, name + " is not a list");
    }
    return e.getAsJsonArray();
  }

  private static JsonObject object(JsonObject parent, String name, String path, String source)
      throws BootstrapException {
    JsonElement e = parent.get(name);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw new BootstrapException(source, path + name + " is not an object");
    }
    return e.getAsJsonObject();
  }

  private static String string(JsonObject parent, String name, String path, String source)
      throws BootstrapException {
    JsonElement e = parent.get(name);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new BootstrapException(source, path + name + " is not a string");
    }
    return e.getAsString();
  }
}
