package io.inmesh.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inmesh.policies.route.StringMatch;
import io.inmesh.policies.tls.CertificateSource;
import io.inmesh.policies.tls.SanMatcher;
import io.inmesh.policies.tls.UpstreamTls;
import io.inmesh.xds.bootstrap.FileWatcherCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mesh's client TLS against a real JSSE server that requires a client certificate: the
 * workload identity presented, the server verified by root and SAN, rotation on disk.
 */
class MeshTlsTest {

  static final String PRODUCTPAGE = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";
  static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";

  @TempDir Path dir;
  private TestCa ca;
  private MtlsServer server;
  private ClientTlsContexts contexts;

  @BeforeEach
  void start() throws Exception {
    ca = TestCa.create("cluster.local");
    ca.issue(PRODUCTPAGE).writeTo(dir);
    server = new MtlsServer(ca, ca.issue(REVIEWS));
    contexts = new ClientTlsContexts(Map.of("default", files(dir)));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    contexts.close();
  }

  private static FileWatcherCertificates files(Path dir) {
    return new FileWatcherCertificates(dir.resolve("cert-chain.pem").toString(),
        dir.resolve("key.pem").toString(), dir.resolve("root-cert.pem").toString(),
        Duration.ofHours(1));
  }

  private static UpstreamTls istioMutual(String san) {
    return new UpstreamTls(new CertificateSource("default", "default"),
        new CertificateSource("default", "ROOTCA"),
        List.of(new SanMatcher(SanMatcher.Type.ANY,
            StringMatch.of(StringMatch.Kind.EXACT, san, false))), null, List.of());
  }

  private Socket connect(ClientTls tls) throws IOException {
    Socket s = tls.newSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        server.port()), 9080);
    // the application dials the service port; the socket dials the endpoint's
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9080), 2000);
    return s;
  }

  private static String ask(Socket s) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write("who\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return new BufferedReader(new InputStreamReader(s.getInputStream(),
        StandardCharsets.US_ASCII)).readLine();
  }

  @Test
  void presentsTheWorkloadIdentityAndVerifiesTheServer() throws Exception {
    ClientTls tls = contexts.forCluster(istioMutual(REVIEWS), "outbound|9080||reviews");
    assertNull(tls.unusable());
    try (Socket s = connect(tls)) {
      assertTrue(ask(s).startsWith(PRODUCTPAGE + " "), "the server saw the client's SPIFFE ID");
    }
    assertEquals(REVIEWS, tls.peerPrincipal());
    assertEquals(PRODUCTPAGE, tls.localPrincipal());
    assertEquals(List.of("istio-http/1.1", "istio", "http/1.1"), server.offeredAlpn.get(0),
        "what an Istio sidecar's inbound HTTP filter chain matches on");
    assertTrue(contexts.forCluster(istioMutual(REVIEWS), "other") == tls,
        "equal settings share one context");
  }

  @Test
  void sendsEnvoysSniAndTheAlpnIstioServersExpect() throws Exception {
    String sni = "outbound_.9080_._.reviews.default.svc.cluster.local";
    UpstreamTls sidecar = new UpstreamTls(new CertificateSource("default", "default"),
        new CertificateSource("default", "ROOTCA"), List.of(), sni, List.of("istio"));
    javax.net.ssl.SSLParameters p = new javax.net.ssl.SSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    contexts.forCluster(sidecar, "reviews").configure(p);
    assertEquals(sni, new String(p.getServerNames().get(0).getEncoded(),
        StandardCharsets.US_ASCII));
    assertEquals(List.of("istio-http/1.1", "istio", "http/1.1"),
        List.of(p.getApplicationProtocols()));
    assertNull(p.getEndpointIdentificationAlgorithm(), "SANs are checked, not host names");
  }

  @Test
  void anotherAddressIsDialledAsWithoutTheMesh() throws Exception {
    ClientTls tls = contexts.forCluster(istioMutual(REVIEWS), "reviews");
    try (java.net.ServerSocket elsewhere = new java.net.ServerSocket(0, 1,
        InetAddress.getLoopbackAddress());
        Socket s = tls.newSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
            server.port()), 9080)) {
      s.connect(elsewhere.getLocalSocketAddress(), 2000);
      try (Socket accepted = elsewhere.accept()) {
        s.getOutputStream().write('x');
        s.getOutputStream().flush();
        assertEquals('x', accepted.getInputStream().read(), "plain bytes, no TLS record");
      }
    }
  }

  @Test
  void refusesAServerWithAnotherIdentity() throws Exception {
    ClientTls tls = contexts.forCluster(
        istioMutual("spiffe://cluster.local/ns/default/sa/bookinfo-ratings"), "ratings");
    IOException e = assertThrows(IOException.class, () -> ask(connect(tls)));
    assertTrue(e.getMessage().contains("matches none of"), e.getMessage());
    assertTrue(e.getMessage().contains("URI:" + REVIEWS), e.getMessage());
  }

  @Test
  void refusesAServerOfAnotherMesh() throws Exception {
    server.close();
    TestCa other = TestCa.create("evil.local");
    server = new MtlsServer(ca, other.issue(REVIEWS));
    ClientTls tls = contexts.forCluster(istioMutual(REVIEWS), "reviews");
    IOException e = assertThrows(IOException.class, () -> ask(connect(tls)));
    assertTrue(e.getMessage().contains("does not chain to the mesh root"), e.getMessage());
  }

  @Test
  void rotatedFilesServeNewConnectionsWhileOpenOnesGoOn() throws Exception {
    ClientTls tls = contexts.forCluster(istioMutual(REVIEWS), "reviews");
    Socket open = connect(tls);
    String before = ask(open);
    TestCa.Issued rotated = ca.issue(PRODUCTPAGE);
    // pilot-agent's files change on disk; let the modification time move even on coarse clocks
    rotated.writeTo(dir);
    Files.setLastModifiedTime(dir.resolve("cert-chain.pem"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    FileWatcherProvider provider = providerOf(tls);
    provider.refresh();
    try (Socket fresh = connect(tls)) {
      String after = ask(fresh);
      assertEquals(PRODUCTPAGE + " " + rotated.certificate().getSerialNumber(), after);
      assertNotEquals(before, after);
    }
    assertEquals(before, ask(open), "the connection made before the rotation still works");
    open.close();
  }

  @Test
  void aHalfWrittenRotationKeepsTheLastGoodCertificate() throws Exception {
    ClientTls tls = contexts.forCluster(istioMutual(REVIEWS), "reviews");
    CertificateMaterial good = providerOf(tls).current();
    // the new key is there, the new certificate not yet
    Files.writeString(dir.resolve("key.pem"), Files.readString(
        writeElsewhere(ca.issue(PRODUCTPAGE)).resolve("key.pem")));
    providerOf(tls).refresh();
    assertEquals(good, providerOf(tls).current());
    try (Socket s = connect(tls)) {
      assertTrue(ask(s).startsWith(PRODUCTPAGE));
    }
  }

  @Test
  void missingFilesMakeTheClusterUnusableWithTheReason() throws Exception {
    ClientTlsContexts none = new ClientTlsContexts(Map.of("default",
        files(dir.resolve("not-written-yet"))));
    ClientTls tls = none.forCluster(istioMutual(REVIEWS), "reviews");
    String why = tls.unusable();
    assertTrue(why != null && why.contains("no workload certificate")
        && why.contains("cert-chain.pem does not exist"), why);
    none.close();
  }

  private Path writeElsewhere(TestCa.Issued issued) throws IOException {
    Path other = Files.createTempDirectory(dir, "next");
    issued.writeTo(other);
    return other;
  }

  private FileWatcherProvider providerOf(ClientTls tls) throws Exception {
    var field = ClientTls.class.getDeclaredField("identity");
    field.setAccessible(true);
    return (FileWatcherProvider) field.get(tls);
  }

  /** A TLS server that requires a client certificate and answers each line with the client's ID. */
  static final class MtlsServer implements AutoCloseable {

    final List<List<String>> offeredAlpn = new CopyOnWriteArrayList<>();
    private final SSLServerSocket socket;

    MtlsServer(TestCa ca, TestCa.Issued identity) throws Exception {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", identity.key(), new char[0],
          new Certificate[] {identity.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(keys, new char[0]);
      KeyStore roots = KeyStore.getInstance("PKCS12");
      roots.load(null, null);
      roots.setCertificateEntry("ca", ca.root);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(roots);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 16,
          InetAddress.getLoopbackAddress());
      socket.setNeedClientAuth(true);
      Thread acceptor = new Thread(this::acceptLoop, "mtls-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void acceptLoop() {
      while (!socket.isClosed()) {
        try {
          SSLSocket s = (SSLSocket) socket.accept();
          s.setHandshakeApplicationProtocolSelector((engine, offered) -> {
            offeredAlpn.add(List.copyOf(offered));
            return "";
          });
          Thread t = new Thread(() -> serve(s), "mtls-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void serve(SSLSocket s) {
      try (s) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
            StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        while (in.readLine() != null) {
          X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
          out.write((SubjectAltNames.spiffeId(peer) + " " + peer.getSerialNumber() + "\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (IOException e) {
        // the client went away or failed the handshake
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
