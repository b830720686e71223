package io.inmesh.examples.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The gRPC xDS bootstrap file as Istio's pilot-agent writes it for a proxyless workload (the
 * {@code grpc-agent} injection template): one insecure xDS server speaking v3, and a sidecar-style
 * node id with {@code GENERATOR=grpc}, which makes istiod answer with its grpc generator.
 */
final class XdsBootstrapFile {

  private XdsBootstrapFile() {}

  /**
   * @param serverUri {@code 127.0.0.1:PORT} or {@code unix:///path}
   * @param workload the pod name and namespace part of the node id, e.g. "demo-client.default"
   */
  static Path write(Path file, String serverUri, String workload, String namespace)
      throws IOException {
    String json = """
        {
          "xds_servers": [
            {
              "server_uri": "%s",
              "channel_creds": [ { "type": "insecure" } ],
              "server_features": [ "xds_v3" ]
            }
          ],
          "node": {
            "id": "sidecar~127.0.0.1~%s~%s.svc.cluster.local",
            "metadata": {
              "GENERATOR": "grpc",
              "NAMESPACE": "%s",
              "INSTANCE_IPS": "127.0.0.1",
              "CLUSTER_ID": "Kubernetes",
              "LABELS": { "app": "demo-client" }
            },
            "locality": {}
          },
          "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%%s"
        }
        """.formatted(escape(serverUri), escape(workload), escape(namespace), escape(namespace));
    Files.writeString(file, json);
    return file;
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
