package io.inmesh.webhook;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key read from PEM files as cert-manager (and
 * kube-webhook-certgen, and openssl) write them: the key as PKCS#8 ({@code PRIVATE KEY}),
 * PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}).
 */
record PemKeyMaterial(List<X509Certificate> chain, PrivateKey key) {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final byte[] RSA_ALGORITHM = Der.sequence(
      Der.encode(Der.OID, new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 1, 1, 1}),
      Der.encode(Der.NULL, new byte[0]));
  private static final byte[] EC_PUBLIC_KEY_OID =
      Der.encode(Der.OID, new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 2, 1});
  private static final byte[] VERSION_0 = Der.encode(Der.INTEGER, new byte[] {0});

  static PemKeyMaterial load(Path certFile, Path keyFile) throws IOException {
    List<X509Certificate> chain = certificates(Files.readString(certFile, StandardCharsets.US_ASCII),
        certFile);
    PrivateKey key = privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile);
    requireMatch(chain.get(0), key, certFile, keyFile);
    return new PemKeyMaterial(List.copyOf(chain), key);
  }

  static List<X509Certificate> certificates(String pem, Path source) {
    try {
      List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .stream().map(X509Certificate.class::cast).toList();
      if (chain.isEmpty()) {
        throw new IllegalArgumentException(source + " holds no PEM CERTIFICATE");
      }
      return chain;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(source + " is not a PEM certificate chain: " + e.getMessage(), e);
    }
  }

  static PrivateKey privateKey(String pem, Path source) {
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(der, source);
        case "RSA PRIVATE KEY":
          return pkcs8(Der.sequence(VERSION_0, RSA_ALGORITHM, Der.encode(Der.OCTET_STRING, der)), source);
        case "EC PRIVATE KEY":
          return pkcs8(Der.sequence(VERSION_0, Der.sequence(EC_PUBLIC_KEY_OID, sec1Curve(der, source)),
              Der.encode(Der.OCTET_STRING, der)), source);
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(source + " holds an encrypted key; the webhook needs it"
              + " unencrypted, as cert-manager writes it");
        default:
          // e.g. "EC PARAMETERS" written by openssl ecparam before the key: skip it
      }
    }
    throw new IllegalArgumentException(source + " holds no PEM private key (expected PRIVATE KEY,"
        + " RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  private static PrivateKey pkcs8(byte[] der, Path source) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException | RuntimeException wrongAlgorithm) {
        // try the next one: PKCS#8 names its algorithm, but KeyFactory wants it up front
      }
    }
    throw new IllegalArgumentException(source + " holds a private key of an unsupported type"
        + " (RSA, EC and Ed25519 are supported)");
  }

  /** SEC1 {@code ECPrivateKey ::= SEQUENCE { version, privateKey, [0] parameters, [1] publicKey }}. */
  private static byte[] sec1Curve(byte[] sec1, Path source) {
    for (Der.Element e : Der.children(Der.read(sec1, 0).content())) {
      if (e.tag() == 0xa0) {
        return e.content();
      }
    }
    throw new IllegalArgumentException(source + ": the EC PRIVATE KEY does not name its curve;"
        + " write it as PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
  }

  /** A key that does not belong to the certificate fails every handshake: say so at load instead. */
  private static void requireMatch(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    try {
      byte[] probe = "inmesh-webhook".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException mismatch) {
      // reported below
    }
    throw new IllegalArgumentException("the key in " + keyFile + " does not belong to the first"
        + " certificate in " + certFile + " (" + cert.getSubjectX500Principal() + ")");
  }
}
