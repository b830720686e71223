package io.inmesh.webhook;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Map;

/**
 * The gRPC xDS bootstrap for a pod without Istio's {@code grpc-agent} template, passed inline as
 * {@code GRPC_XDS_BOOTSTRAP_CONFIG}. The pod's name and IP are unknown at admission, so the JSON
 * refers to them as {@code $(POD_IP)}: kubelet expands references to earlier environment variables
 * when it starts the container, which makes an init step that writes a file unnecessary.
 */
final class XdsBootstrap {
  static final String NODE_ID =
      "sidecar~$(POD_IP)~$(POD_NAME).$(NAMESPACE)~$(NAMESPACE).svc.cluster.local";
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private XdsBootstrap() {}

  static String generate(InjectionConfig config, String workload, Map<String, String> labels) {
    JsonObject server = new JsonObject();
    // plaintext: istiod's 15010. 15012 needs TLS and a service-account token, not in the agent yet
    server.addProperty("server_uri", config.xdsAddress());
    JsonArray creds = new JsonArray();
    JsonObject insecure = new JsonObject();
    insecure.addProperty("type", "insecure");
    creds.add(insecure);
    server.add("channel_creds", creds);
    JsonArray features = new JsonArray();
    features.add("xds_v3");
    server.add("server_features", features);

    JsonObject metadata = new JsonObject();
    // without GENERATOR=grpc istiod answers in its sidecar (Envoy) shape
    metadata.addProperty("GENERATOR", "grpc");
    metadata.addProperty("NAMESPACE", "$(NAMESPACE)");
    metadata.addProperty("POD_NAME", "$(POD_NAME)");
    metadata.addProperty("INSTANCE_IPS", "$(POD_IP)");
    metadata.addProperty("SERVICE_ACCOUNT", "$(SERVICE_ACCOUNT)");
    metadata.addProperty("WORKLOAD_NAME", workload);
    metadata.addProperty("CLUSTER_ID", config.clusterId());
    JsonObject labelObject = new JsonObject();
    labels.forEach(labelObject::addProperty); // label values cannot contain '$': no accidental expansion
    metadata.add("LABELS", labelObject);

    JsonObject node = new JsonObject();
    node.addProperty("id", NODE_ID);
    node.addProperty("cluster", workload + ".$(NAMESPACE)");
    node.add("metadata", metadata);

    JsonObject bootstrap = new JsonObject();
    JsonArray servers = new JsonArray();
    servers.add(server);
    bootstrap.add("xds_servers", servers);
    bootstrap.add("node", node);
    return GSON.toJson(bootstrap);
  }
}
