package io.inmesh.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A renewed certificate (cert-manager rewriting the mounted Secret) is served without a restart. */
class TlsReloadTest {
  @TempDir
  Path tmp;

  @Test
  void servesTheNewCertificateAfterTheFilesChange() throws Exception {
    TestCertificates first = TestCertificates.generate(tmp, "first");
    TestCertificates second = TestCertificates.generate(tmp, "second");
    Path cert = tmp.resolve("tls.crt");
    Path key = tmp.resolve("tls.key");
    Files.copy(first.certFile(), cert);
    Files.copy(first.keyFile(), key);
    try (WebhookServer server = WebhookServer.start(new InetSocketAddress("127.0.0.1", 0), cert, key,
        Duration.ofMillis(200), InjectionConfig.defaults())) {
      int port = server.address().getPort();
      assertEquals(first.certificate(), served(first, port));

      // a half-renewed pair (new cert, old key) is refused; the old pair keeps serving
      Files.copy(second.certFile(), cert, StandardCopyOption.REPLACE_EXISTING);
      assertFalse(server.reloadTlsNow());
      assertEquals(first.certificate(), served(first, port));

      Files.copy(second.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!second.certificate().equals(servedOrNull(second, port)) && System.nanoTime() < deadline) {
        Thread.sleep(100); // the periodic check picks it up
      }
      assertEquals(second.certificate(), served(second, port));
      assertThrows(javax.net.ssl.SSLException.class, () -> served(first, port),
          "a client trusting only the old certificate no longer connects");
      assertTrue(new AdmissionClient(second.clientContext(), port).get("/healthz").statusCode() == 200);
    }
  }

  private static X509Certificate servedOrNull(TestCertificates trust, int port) {
    try {
      return served(trust, port);
    } catch (Exception e) {
      return null;
    }
  }

  private static X509Certificate served(TestCertificates trust, int port) throws Exception {
    try (SSLSocket socket = (SSLSocket) trust.clientContext().getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }
}
