package io.inmesh.xds.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapTest {

  /** Shaped like the file Istio's pilot-agent writes for a grpc-agent pod. */
  static final String PILOT_AGENT = """
      {
        "xds_servers": [
          {
            "server_uri": "unix:///./etc/istio/proxy/XDS",
            "channel_creds": [{"type": "insecure"}],
            "server_features": ["xds_v3"]
          }
        ],
        "node": {
          "id": "sidecar~127.0.0.5~app-7d4f.default~default.svc.cluster.local",
          "metadata": {
            "ANNOTATIONS": {"inject.istio.io/templates": "grpc-agent"},
            "APP_CONTAINERS": "app",
            "CLUSTER_ID": "Kubernetes",
            "ENVOY_PROMETHEUS_PORT": 15090,
            "GENERATOR": "grpc",
            "INSTANCE_IPS": "127.0.0.5",
            "INTERCEPTION_MODE": "REDIRECT",
            "ISTIO_VERSION": "1.22.1",
            "LABELS": {"app": "app", "version": "v1"},
            "MESH_ID": "cluster.local",
            "NAME": "app-7d4f",
            "NAMESPACE": "default",
            "OWNER": "kubernetes://apis/apps/v1/namespaces/default/deployments/app",
            "PILOT_SAN": ["istiod.istio-system.svc"],
            "POD_PORTS": "[{\\"containerPort\\":8080,\\"protocol\\":\\"TCP\\"}]",
            "SERVICE_ACCOUNT": "default",
            "STS_PORT": null,
            "WORKLOAD_NAME": "app"
          },
          "locality": {"region": "us-east1", "zone": "us-east1-b"},
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
        "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%s"
      }
      """;

  private final BootstrapLocator locator = new BootstrapLocator();

  @Test
  void parsesPilotAgentFileFromAgentArgument(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("grpc-bootstrap.json"), PILOT_AGENT);
    Bootstrap b = locator.locate(file.toString(), Map.of()).orElseThrow();

    assertEquals("unix:///etc/istio/proxy/XDS", b.server().uri().target());
    assertTrue(b.server().uri().isUnixSocket());
    assertEquals(ChannelCredentialsType.INSECURE, b.server().credentials());
    assertTrue(b.server().hasFeature("xds_v3"));
    assertEquals("sidecar~127.0.0.5~app-7d4f.default~default.svc.cluster.local", b.node().getId());
    var metadata = b.node().getMetadata().getFieldsMap();
    assertEquals("grpc", metadata.get("GENERATOR").getStringValue());
    assertEquals("default", metadata.get("NAMESPACE").getStringValue());
    assertEquals("v1", metadata.get("LABELS").getStructValue().getFieldsOrThrow("version")
        .getStringValue());
    assertEquals(15090, metadata.get("ENVOY_PROMETHEUS_PORT").getNumberValue());
    assertEquals("us-east1-b", b.node().getLocality().getZone());
    assertNotNull(b.certificateProviders().get("default"));
    assertEquals(file.toString(), b.source());
  }

  @Test
  void agentArgumentWinsOverEnvironmentAndFileEnvOverInline(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("b.json"), PILOT_AGENT);
    String inline = PILOT_AGENT.replace("unix:///./etc/istio/proxy/XDS", "istiod:15010");
    Map<String, String> env = Map.of(BootstrapLocator.ENV_FILE, file.toString(),
        BootstrapLocator.ENV_CONFIG, inline);
    assertEquals(file.toString(), locator.locate(null, env).orElseThrow().source());

    Bootstrap fromInline = locator.locate(null, Map.of(BootstrapLocator.ENV_CONFIG, inline))
        .orElseThrow();
    assertEquals("GRPC_XDS_BOOTSTRAP_CONFIG", fromInline.source());
    assertEquals("dns:///istiod:15010", fromInline.server().uri().target());
  }

  @Test
  void noBootstrapIsEmpty() throws Exception {
    assertEquals(Optional.empty(), locator.locate(null, Map.of()));
    assertEquals(Optional.empty(), locator.locate(" ", Map.of("OTHER", "x")));
  }

  @Test
  void missingFileNamesThePath(@TempDir Path dir) {
    String path = dir.resolve("absent.json").toString();
    BootstrapException e = assertThrows(BootstrapException.class,
        () -> locator.locate(null, Map.of(BootstrapLocator.ENV_FILE, path)));
    assertTrue(e.getMessage().contains(path) && e.getMessage().contains("does not exist"),
        e.getMessage());
  }

  @Test
  void malformedInlineNamesTheVariableAndProblem() {
    BootstrapException notJson = assertThrows(BootstrapException.class,
        () -> locator.locate(null, Map.of(BootstrapLocator.ENV_CONFIG, "{\"xds_servers\": [")));
    assertTrue(notJson.getMessage().startsWith("xDS bootstrap GRPC_XDS_BOOTSTRAP_CONFIG: not JSON"),
        notJson.getMessage());

    assertProblem("{\"node\": {\"id\": \"x\"}}", "xds_servers is missing");
    assertProblem("{\"xds_servers\": []}", "xds_servers is empty");
    assertProblem("{\"xds_servers\": [{\"channel_creds\": [{\"type\": \"insecure\"}]}]}",
        "xds_servers[0].server_uri is missing");
    assertProblem("{\"xds_servers\": [{\"server_uri\": \"x:1\","
        + " \"channel_creds\": [{\"type\": \"google_default\"}]}]}",
        "no supported type (supported: insecure, tls; found: [google_default])");
    assertProblem("{\"xds_servers\": [{\"server_uri\": \"https://x:1\","
        + " \"channel_creds\": [{\"type\": \"insecure\"}]}]}", "unsupported scheme");
    assertProblem("{\"xds_servers\": [{\"server_uri\": \"x:1\","
        + " \"channel_creds\": [{\"type\": \"insecure\"}]}], \"node\": {\"id\": 5}}",
        "node.id is not a string");
  }

  @Test
  void firstSupportedCredentialIsPicked() throws Exception {
    Bootstrap b = new BootstrapParser().parse("{\"xds_servers\": [{\"server_uri\":"
        + " \"dns:///istiod.istio-system.svc:15010\", \"channel_creds\": ["
        + " {\"type\": \"google_default\"}, {\"type\": \"insecure\"}, {\"type\": \"tls\"}]}]}",
        "test");
    assertEquals(ChannelCredentialsType.INSECURE, b.server().credentials());
    assertEquals("dns:///istiod.istio-system.svc:15010", b.server().uri().target());
  }

  @Test
  void tlsChannelCredentialsCarryTheirFiles() throws Exception {
    Bootstrap b = new BootstrapParser().parse("{\"xds_servers\": [{\"server_uri\":"
        + " \"xds.example.com:443\", \"channel_creds\": [{\"type\": \"google_default\"},"
        + " {\"type\": \"tls\", \"config\": {\"certificate_file\": \"/c.pem\","
        + " \"private_key_file\": \"/k.pem\", \"ca_certificate_file\": \"/r.pem\","
        + " \"refresh_interval\": \"60s\"}}]}]}", "test");
    assertEquals(ChannelCredentialsType.TLS, b.server().credentials());
    assertEquals("/k.pem", b.server().tls().privateKeyFile());
    assertEquals(java.time.Duration.ofSeconds(60), b.server().tls().refreshInterval());
    Bootstrap plain = new BootstrapParser().parse("{\"xds_servers\": [{\"server_uri\":"
        + " \"xds.example.com:443\", \"channel_creds\": [{\"type\": \"tls\"}]}]}", "test");
    assertTrue(!plain.server().tls().hasIdentity() && !plain.server().tls().hasRoots(),
        "TLS with the JDK's roots and no client certificate");
  }

  private static void assertProblem(String json, String problem) {
    BootstrapException e = assertThrows(BootstrapException.class,
        () -> new BootstrapParser().parse(json, BootstrapLocator.ENV_CONFIG));
    assertTrue(e.getMessage().contains("GRPC_XDS_BOOTSTRAP_CONFIG")
        && e.getMessage().contains(problem), e.getMessage());
  }
}
