package io.inmesh.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * gRPC xDS bootstrap files shaped like the ones Istio's pilot-agent writes for proxyless gRPC, and
 * their sidecar-shaped variant.
 */
public final class Bootstraps {

  private Bootstraps() {}

  /** @param serverUri e.g. {@code 127.0.0.1:15010} or {@code unix:///tmp/xds.sock} */
  public static Path pilotAgentShaped(Path dir, String serverUri) throws IOException {
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
            "id": "sidecar~127.0.0.5~productpage-v1-7d4f.default~default.svc.cluster.local",
            "metadata": {
              "ANNOTATIONS": { "inject.istio.io/templates": "grpc-agent" },
              "CLUSTER_ID": "Kubernetes",
              "ENVOY_PROMETHEUS_PORT": 15090,
              "GENERATOR": "grpc",
              "INSTANCE_IPS": "127.0.0.5",
              "ISTIO_VERSION": "1.24.0",
              "LABELS": {
                "app": "productpage",
                "service.istio.io/canonical-name": "productpage",
                "service.istio.io/canonical-revision": "v1",
                "version": "v1"
              },
              "MESH_ID": "cluster.local",
              "NAME": "productpage-v1-7d4f",
              "NAMESPACE": "default",
              "OWNER": "kubernetes://apis/apps/v1/namespaces/default/deployments/productpage-v1",
              "PILOT_SAN": [ "istiod.istio-system.svc" ],
              "SERVICE_ACCOUNT": "bookinfo-productpage",
              "WORKLOAD_NAME": "productpage-v1"
            },
            "locality": {},
            "UserAgentVersionType": null
          },
          "certificate_providers": {
            "default": {
              "plugin_name": "file_watcher",
              "config": {
                "certificate_file": "/var/lib/istio/data/cert-chain.pem",
                "private_key_file": "/var/lib/istio/data/key.pem",
                "ca_certificate_file": "/var/lib/istio/data/root-cert.pem",
                "refresh_interval": "900s"
              }
            }
          },
          "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%%s"
        }
        """.formatted(serverUri);
    Path file = dir.resolve("grpc-bootstrap.json");
    Files.writeString(file, json);
    return file;
  }

  /**
   * The same file with other {@code certificate_providers} (a JSON object), written as
   * {@code name}: e.g. pilot-agent's {@code default} instance pointing at a test's files.
   */
  /**
   * The same node without {@code GENERATOR=grpc}, so istiod (and the agent) use the sidecar shape,
   * and with {@code DNS_CAPTURE}, so the name table (NDS) is asked for, as pilot-agent sets it when
   * {@code ISTIO_META_DNS_CAPTURE} is on.
   */
  public static Path sidecarShaped(Path dir, String serverUri) throws IOException {
    String json = Files.readString(pilotAgentShaped(dir, serverUri));
    String generator = "\"GENERATOR\": \"grpc\",";
    if (!json.contains(generator)) {
      throw new IllegalStateException("the bootstrap template changed: " + generator);
    }
    Path file = dir.resolve("sidecar-bootstrap.json");
    Files.writeString(file, json.replace(generator, "\"DNS_CAPTURE\": \"true\","));
    return file;
  }

  /**
   * {@link #sidecarShaped} with other {@code certificate_providers}, as
   * {@link #withCertificateProviders} writes them.
   */
  public static Path sidecarWithCertificateProviders(Path dir, String serverUri, String name,
      String providersJson) throws IOException {
    String json = Files.readString(withCertificateProviders(dir, serverUri,
        "proxyless-" + name, providersJson));
    String generator = "\"GENERATOR\": \"grpc\",";
    if (!json.contains(generator)) {
      throw new IllegalStateException("the bootstrap template changed: " + generator);
    }
    Path file = dir.resolve(name);
    Files.writeString(file, json.replace(generator, "\"DNS_CAPTURE\": \"true\","));
    return file;
  }

  public static Path withCertificateProviders(Path dir, String serverUri, String name,
      String providersJson) throws IOException {
    String json = Files.readString(pilotAgentShaped(dir, serverUri));
    int start = json.indexOf("\"certificate_providers\"");
    int end = json.indexOf("\"server_listener_resource_name_template\"");
    Path file = dir.resolve(name);
    Files.writeString(file, json.substring(0, start) + "\"certificate_providers\": "
        + providersJson + ",\n  " + json.substring(end));
    return file;
  }
}
