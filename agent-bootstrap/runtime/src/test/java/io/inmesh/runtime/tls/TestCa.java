package io.inmesh.runtime.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
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

/** A mesh CA for tests, issuing SPIFFE workload certificates the way istiod's CA does. */
final class TestCa {

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  final KeyPair key;
  final X509Certificate root;

  private TestCa(KeyPair key, X509Certificate root) {
    this.key = key;
    this.root = root;
  }

  static TestCa create(String name) throws Exception {
    KeyPair key = ec();
    X500Name subject = new X500Name("O=" + name);
    var b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(Instant.now().minusSeconds(60)),
        Date.from(Instant.now().plus(Duration.ofDays(1))), subject, key.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new TestCa(key, sign(b, key.getPrivate()));
  }

  /** A workload certificate whose only name is {@code spiffeId}, and its key. */
  Issued issue(String spiffeId) throws Exception {
    KeyPair workload = ec();
    var b = new JcaX509v3CertificateBuilder(root, serial(),
        Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plus(Duration.ofHours(1))),
        new X500Name(""), workload.getPublic());
    b.addExtension(Extension.subjectAlternativeName, true,
        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    return new Issued(sign(b, key.getPrivate()), workload.getPrivate(), root);
  }

  /** A server certificate for a DNS name (the xDS server's), not a mesh identity. */
  Issued issueForHost(String dns) throws Exception {
    KeyPair server = ec();
    var b = new JcaX509v3CertificateBuilder(root, serial(),
        Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plus(Duration.ofHours(1))),
        new X500Name("CN=" + dns), server.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
    return new Issued(sign(b, key.getPrivate()), server.getPrivate(), root);
  }

  record Issued(X509Certificate certificate, PrivateKey key, X509Certificate root) {

    /** Writes the files pilot-agent writes: cert-chain.pem, key.pem (SEC1), root-cert.pem. */
    void writeTo(Path dir) throws IOException {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("cert-chain.pem"), pem("CERTIFICATE", der(certificate)));
      Files.writeString(dir.resolve("key.pem"), sec1(key));
      Files.writeString(dir.resolve("root-cert.pem"), pem("CERTIFICATE", der(root)));
    }
  }

  /** The key as {@code EC PRIVATE KEY} with its curve, as Go's x509 (pilot-agent) writes it. */
  static String sec1(PrivateKey key) throws IOException {
    var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
    var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
        ((java.security.interfaces.ECPrivateKey) key).getS(),
        info.getPrivateKeyAlgorithm().getParameters());
    return pem("EC PRIVATE KEY", sec1.getEncoded());
  }

  static String pem(String type, byte[] der) {
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
