package io.inmesh.xds.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code certificate_providers} (gRFC A29) as pilot-agent writes it, and what is refused. */
class CertificateProvidersTest {

  private static Bootstrap parse(String providers) throws BootstrapException {
    return new BootstrapParser().parse("{\"xds_servers\": [{\"server_uri\": \"127.0.0.1:15010\","
        + " \"channel_creds\": [{\"type\": \"insecure\"}]}], \"node\": {\"id\": \"n\"},"
        + " \"certificate_providers\": " + providers + "}", "test");
  }

  @Test
  void readsFileWatcherInstances() throws Exception {
    Bootstrap b = parse("""
        {"default": {"plugin_name": "file_watcher", "config": {
           "certificate_file": "/var/lib/istio/data/cert-chain.pem",
           "private_key_file": "/var/lib/istio/data/key.pem",
           "ca_certificate_file": "/var/lib/istio/data/root-cert.pem",
           "refresh_interval": "900s"}},
         "roots": {"plugin_name": "file_watcher", "config": {
           "ca_certificate_file": "/etc/roots.pem", "refresh_interval": "0.5s"}}}""");
    FileWatcherCertificates d = b.certificateProviders().get("default");
    assertEquals("/var/lib/istio/data/key.pem", d.privateKeyFile());
    assertEquals(Duration.ofSeconds(900), d.refreshInterval());
    assertTrue(d.hasIdentity() && d.hasRoots());
    FileWatcherCertificates roots = b.certificateProviders().get("roots");
    assertTrue(!roots.hasIdentity() && roots.hasRoots());
    assertEquals(Duration.ofMillis(500), roots.refreshInterval());
  }

  @Test
  void defaultsTheRefreshIntervalAndLeavesOutOtherPlugins() throws Exception {
    Bootstrap b = parse("""
        {"default": {"plugin_name": "file_watcher", "config": {
           "certificate_file": "c.pem", "private_key_file": "k.pem",
           "ca_certificate_file": "r.pem"}},
         "meshca": {"plugin_name": "meshca", "config": {}}}""");
    assertEquals(FileWatcherCertificates.DEFAULT_REFRESH,
        b.certificateProviders().get("default").refreshInterval());
    assertEquals(java.util.Set.of("default"), b.certificateProviders().keySet());
  }

  @Test
  void refusesConfigsThatWouldFailEveryHandshake() {
    BootstrapException half = assertThrows(BootstrapException.class, () -> parse("""
        {"default": {"plugin_name": "file_watcher", "config": {"certificate_file": "c.pem"}}}"""));
    assertTrue(half.getMessage().contains("go together"), half.getMessage());
    BootstrapException interval = assertThrows(BootstrapException.class, () -> parse("""
        {"default": {"plugin_name": "file_watcher", "config": {
           "ca_certificate_file": "r.pem", "refresh_interval": "10m"}}}"""));
    assertTrue(interval.getMessage().contains("refresh_interval"), interval.getMessage());
  }
}
