package io.inmesh.bench.harness;

import io.inmesh.examples.controlplane.LocalControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The xDS server the Inmesh variant subscribes to: the examples' istiod-like control plane, in
 * this (the harness's) process, serving {@link InmeshPolicySet}; and the bootstrap file pointing
 * at it, shaped as Istio's pilot-agent writes it for proxyless clients.
 */
public final class MeshXds implements AutoCloseable {

  private final LocalControlPlane controlPlane;
  private final Path bootstrap;

  private MeshXds(LocalControlPlane controlPlane, Path bootstrap) {
    this.controlPlane = controlPlane;
    this.bootstrap = bootstrap;
  }

  public static MeshXds serve(Upstreams upstreams, Path workDir) throws IOException {
    LocalControlPlane controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1",
        InmeshPolicySet.resources(upstreams.portA(), upstreams.portB()));
    Path bootstrap = workDir.resolve("grpc-bootstrap.json");
    Files.writeString(bootstrap, bootstrapJson(controlPlane.serverUri()));
    return new MeshXds(controlPlane, bootstrap);
  }

  public static String bootstrapJson(String serverUri) {
    return """
        {
          "xds_servers": [ { "server_uri": "%s", "channel_creds": [ { "type": "insecure" } ],
                             "server_features": [ "xds_v3" ] } ],
          "node": {
            "id": "sidecar~127.0.0.1~bench-app-1.default~default.svc.cluster.local",
            "metadata": { "GENERATOR": "grpc", "NAMESPACE": "default", "CLUSTER_ID": "Kubernetes" }
          }
        }
        """.formatted(serverUri);
  }

  public Path bootstrap() {
    return bootstrap;
  }

  @Override
  public void close() {
    controlPlane.close();
  }
}
