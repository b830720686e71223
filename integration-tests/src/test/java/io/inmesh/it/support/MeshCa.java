package io.inmesh.it.support;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A mesh CA like istiod's: an ECDSA root issuing short-lived workload certificates whose only name
 * is a SPIFFE ID, written to disk the way pilot-agent writes them for proxyless gRPC
 * ({@code cert-chain.pem}, {@code key.pem} as SEC1 {@code EC PRIVATE KEY}, {@code root-cert.pem}).
 */
public final class MeshCa {

  public static final String TRUST_DOMAIN = "spiffe://cluster.local";
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final KeyPair key;
  private final X509Certificate root;

  private MeshCa(KeyPair key, X509Certificate root) {
    this.key = key;
    this.root = root;
  }

  public static MeshCa create() throws Exception {
    KeyPair key = ec();
    X500Name name = new X500Name("O=cluster.local");
    var b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(Instant.now().minusSeconds(60)),
        Date.from(Instant.now().plus(Duration.ofDays(1))), name, key.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
    return new MeshCa(key, sign(b, key.getPrivate()));
  }

  /** {@code spiffe://cluster.local/ns/NAMESPACE/sa/ACCOUNT}. */
  public static String spiffeId(String namespace, String serviceAccount) {
    return TRUST_DOMAIN + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  public Workload issue(String spiffeId) throws Exception {
    KeyPair pair = ec();
    var b = new JcaX509v3CertificateBuilder(root, serial(), Date.from(Instant.now().minusSeconds(60)),
        Date.from(Instant.now().plus(Duration.ofHours(24))), new X500Name(""), pair.getPublic());
    b.addExtension(Extension.subjectAlternativeName, true,
        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    return new Workload(sign(b, key.getPrivate()), pair.getPrivate(), root);
  }

  /** A server certificate for a DNS name (an xDS server reached directly), not a SPIFFE ID. */
  public Workload issueForHost(String dns) throws Exception {
    KeyPair pair = ec();
    var b = new JcaX509v3CertificateBuilder(root, serial(), Date.from(Instant.now().minusSeconds(60)),
        Date.from(Instant.now().plus(Duration.ofHours(24))), new X500Name("CN=" + dns),
        pair.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
    return new Workload(sign(b, key.getPrivate()), pair.getPrivate(), root);
  }

  /** One workload's certificate and key, signed by the mesh root. */
  public record Workload(X509Certificate certificate, PrivateKey key, X509Certificate root) {

    public BigInteger serial() {
      return certificate.getSerialNumber();
    }

    /**
     * Writes pilot-agent's three files into {@code dir}, each replaced in one rename (as a
     * careful writer does; the agent also survives a torn update).
     */
    public void writeTo(Path dir) throws IOException {
      Files.createDirectories(dir);
      replace(dir.resolve("key.pem"), sec1(key));
      replace(dir.resolve("cert-chain.pem"), pem("CERTIFICATE", der(certificate)));
      replace(dir.resolve("root-cert.pem"), pem("CERTIFICATE", der(root)));
    }

    /** gRPC server credentials presenting this certificate and requiring a mesh client's. */
    public io.grpc.ServerCredentials grpcServerCredentials(Path dir) throws IOException {
      Files.createDirectories(dir);
      Path cert = dir.resolve("server-cert.pem");
      Path pkcs8 = dir.resolve("server-key.pem");
      Path roots = dir.resolve("server-roots.pem");
      Files.writeString(cert, pem("CERTIFICATE", der(certificate)));
      Files.writeString(pkcs8, pem("PRIVATE KEY", key.getEncoded()));
      Files.writeString(roots, pem("CERTIFICATE", der(root)));
      return io.grpc.TlsServerCredentials.newBuilder().keyManager(cert.toFile(), pkcs8.toFile())
          .trustManager(roots.toFile())
          .clientAuth(io.grpc.TlsServerCredentials.ClientAuth.REQUIRE).build();
    }

    /** A server context presenting this identity and requiring clients of the same mesh. */
    public SSLContext serverContext() throws Exception {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("workload", key, new char[0], new Certificate[] {certificate});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(keys, new char[0]);
      KeyStore roots = KeyStore.getInstance("PKCS12");
      roots.load(null, null);
      roots.setCertificateEntry("root", root);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(roots);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    }
  }

  private static void replace(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** SEC1 with the named curve, as Go's {@code x509.MarshalECPrivateKey} writes it. */
  private static String sec1(PrivateKey key) throws IOException {
    var algorithm = PrivateKeyInfo.getInstance(key.getEncoded()).getPrivateKeyAlgorithm();
    var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((ECPrivateKey) key).getS(),
        algorithm.getParameters());
    return pem("EC PRIVATE KEY", sec1.getEncoded());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey signer)
      throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }
}
