package io.inmesh.bench.jmh;

import io.inmesh.policies.route.StringMatch;
import io.inmesh.policies.tls.CertificateSource;
import io.inmesh.policies.tls.SanMatcher;
import io.inmesh.policies.tls.UpstreamTls;
import io.inmesh.runtime.tls.ClientTls;
import io.inmesh.runtime.tls.ClientTlsContexts;
import io.inmesh.xds.bootstrap.FileWatcherCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the mesh's mTLS adds per new connection, on loopback: a TCP connect and one byte each way,
 * plain; the same through the runtime's TLS socket to a JSSE server that requires a client
 * certificate (ECDSA P-256 workload certificates with SPIFFE IDs, TLS 1.3), once resumed (what
 * every connection after the first to an endpoint does) and once as a full handshake (the first
 * connection, and the first after a certificate rotation). Calls on a kept-alive connection pay
 * only the record encryption. Run: {@code bench/jmh MtlsHandshakeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MtlsHandshakeBenchmark {

  static final String CLIENT = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";
  static final String SERVER = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";

  private Path dir;
  private ServerSocket tlsServer;
  private ServerSocket plainServer;
  private ClientTlsContexts contexts;
  private ClientTls resumed;
  private UpstreamTls upstream;
  private Map<String, FileWatcherCertificates> providers;

  /** A fresh TLS context per invocation: its first connection makes a full handshake. */
  @State(Scope.Thread)
  public static class Fresh {
    ClientTlsContexts contexts;
    ClientTls tls;

    @Setup(Level.Invocation)
    public void create(MtlsHandshakeBenchmark bench) {
      contexts = new ClientTlsContexts(bench.providers);
      tls = contexts.forCluster(bench.upstream, "bench");
    }

    @TearDown(Level.Invocation)
    public void close() {
      contexts.close();
    }
  }

  @Setup
  public void start() throws Exception {
    KeyPair caKey = ec();
    X500Name caName = new X500Name("O=cluster.local");
    var root = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, notBefore(), notAfter(),
        caName, caKey.getPublic());
    root.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    X509Certificate ca = sign(root, caKey.getPrivate());
    KeyPair clientKey = ec();
    X509Certificate client = sign(leaf(ca, CLIENT, clientKey, 2), caKey.getPrivate());
    KeyPair serverKey = ec();
    X509Certificate server = sign(leaf(ca, SERVER, serverKey, 3), caKey.getPrivate());

    dir = Files.createTempDirectory("inmesh-mtls-bench");
    Files.writeString(dir.resolve("cert-chain.pem"), pem("CERTIFICATE", client.getEncoded()));
    var algorithm = PrivateKeyInfo.getInstance(clientKey.getPrivate().getEncoded())
        .getPrivateKeyAlgorithm();
    Files.writeString(dir.resolve("key.pem"), pem("EC PRIVATE KEY",
        new org.bouncycastle.asn1.sec.ECPrivateKey(256,
            ((ECPrivateKey) clientKey.getPrivate()).getS(), algorithm.getParameters())
            .getEncoded()));
    Files.writeString(dir.resolve("root-cert.pem"), pem("CERTIFICATE", ca.getEncoded()));
    providers = Map.of("default", new FileWatcherCertificates(
        dir.resolve("cert-chain.pem").toString(), dir.resolve("key.pem").toString(),
        dir.resolve("root-cert.pem").toString(), Duration.ofHours(1)));
    upstream = new UpstreamTls(new CertificateSource("default", "default"),
        new CertificateSource("default", "ROOTCA"), List.of(new SanMatcher(SanMatcher.Type.ANY,
            StringMatch.of(StringMatch.Kind.EXACT, SERVER, false))), null, List.of());
    contexts = new ClientTlsContexts(providers);
    resumed = contexts.forCluster(upstream, "bench");

    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", serverKey.getPrivate(), new char[0], new Certificate[] {server});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(keys, new char[0]);
    KeyStore roots = KeyStore.getInstance("PKCS12");
    roots.load(null, null);
    roots.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(roots);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    SSLServerSocket tls = (SSLServerSocket) serverContext.getServerSocketFactory()
        .createServerSocket(0, 128, InetAddress.getLoopbackAddress());
    tls.setNeedClientAuth(true);
    tlsServer = serve(tls);
    plainServer = serve(new ServerSocket(0, 128, InetAddress.getLoopbackAddress()));
  }

  @TearDown
  public void stop() throws IOException {
    tlsServer.close();
    plainServer.close();
    contexts.close();
  }

  @Benchmark
  public int plainConnection() throws IOException {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
          plainServer.getLocalPort()), 2000);
      return exchange(s);
    }
  }

  @Benchmark
  public int mtlsConnectionResumed() throws IOException {
    return mtls(resumed);
  }

  @Benchmark
  public int mtlsConnectionFullHandshake(Fresh fresh) throws IOException {
    return mtls(fresh.tls);
  }

  private int mtls(ClientTls tls) throws IOException {
    InetSocketAddress endpoint = new InetSocketAddress(InetAddress.getLoopbackAddress(),
        tlsServer.getLocalPort());
    try (Socket s = tls.newSocket(endpoint, endpoint.getPort())) {
      s.connect(endpoint, 2000);
      return exchange(s);
    }
  }

  private static int exchange(Socket s) throws IOException {
    s.getOutputStream().write(1);
    s.getOutputStream().flush();
    return s.getInputStream().read();
  }

  private static ServerSocket serve(ServerSocket server) {
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          // as Envoy does: TLS writes several small records, Nagle would hold them for an ACK
          s.setTcpNoDelay(true);
          Thread c = new Thread(() -> {
            try (s; InputStream in = s.getInputStream()) {
              if (in.read() >= 0) {
                s.getOutputStream().write(2);
                s.getOutputStream().flush();
              }
            } catch (IOException ignored) {
              // client gone
            }
          });
          c.setDaemon(true);
          c.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, "bench-server");
    t.setDaemon(true);
    t.start();
    return server;
  }

  private static JcaX509v3CertificateBuilder leaf(X509Certificate ca, String spiffeId,
      KeyPair key, long serial) throws Exception {
    var b = new JcaX509v3CertificateBuilder(ca, BigInteger.valueOf(serial), notBefore(),
        notAfter(), new X500Name(""), key.getPublic());
    b.addExtension(Extension.subjectAlternativeName, true,
        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
    return b;
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minusSeconds(60));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(Duration.ofDays(1)));
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
      throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64,
        "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) + "\n-----END " + type
        + "-----\n";
  }
}
