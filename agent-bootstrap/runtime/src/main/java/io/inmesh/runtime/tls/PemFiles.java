package io.inmesh.runtime.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM as pilot-agent (and cert-manager, and openssl) writes it: certificates, and an unencrypted
 * private key as PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1
 * ({@code EC PRIVATE KEY}, what Istio writes for its default ECDSA workload keys). The JDK reads
 * only PKCS#8, so the other two are wrapped into a PKCS#8 {@code PrivateKeyInfo} first.
 */
final class PemFiles {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final int SEQUENCE = 0x30;
  private static final int OCTET_STRING = 0x04;
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
  /** rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48,
      (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  /** id-ecPublicKey (1.2.840.10045.2.1). */
  private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce,
      0x3d, 0x02, 0x01};

  private PemFiles() {}

  /** Every certificate in the text, in order (a chain: leaf first). */
  static X509Certificate[] certificates(String pem, String source) throws IOException {
    try {
      X509Certificate[] out = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
      if (out.length == 0) {
        throw new IOException(source + " holds no PEM certificate");
      }
      return out;
    } catch (CertificateException e) {
      throw new IOException(source + " is not PEM certificates: " + e.getMessage(), e);
    }
  }

  static PrivateKey privateKey(String pem, String source) throws IOException {
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (m.group(1)) {
        case "PRIVATE KEY":
          return pkcs8(der, source);
        case "RSA PRIVATE KEY":
          return pkcs8(tlv(SEQUENCE, VERSION_0, RSA_ALGORITHM, tlv(OCTET_STRING, der)), source);
        case "EC PRIVATE KEY":
          return pkcs8(tlv(SEQUENCE, VERSION_0, tlv(SEQUENCE, EC_PUBLIC_KEY, sec1Curve(der, source)),
              tlv(OCTET_STRING, der)), source);
        case "ENCRYPTED PRIVATE KEY":
          throw new IOException(source + " holds an encrypted key; the mesh needs it"
              + " unencrypted, as pilot-agent writes it");
        default:
          // "EC PARAMETERS" written by openssl ecparam before the key: skip it
      }
    }
    throw new IOException(source + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or"
        + " EC PRIVATE KEY)");
  }

  private static PrivateKey pkcs8(byte[] der, String source) throws IOException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException wrongAlgorithm) {
        // try the next one
      }
    }
    throw new IOException(source + ": the private key is neither EC, RSA nor Ed25519");
  }

  /**
   * The named curve of a SEC1 {@code ECPrivateKey} (RFC 5915): SEQUENCE { version, privateKey,
   * [0] parameters OID, [1] publicKey }; the OID goes into the PKCS#8 algorithm identifier.
   */
  private static byte[] sec1Curve(byte[] der, String source) throws IOException {
    int[] at = {0};
    expect(der, at, SEQUENCE, source);
    length(der, at);
    while (at[0] < der.length) {
      int tag = der[at[0]++] & 0xff;
      int len = length(der, at);
      if (tag == 0xa0) {
        byte[] oid = new byte[len];
        System.arraycopy(der, at[0], oid, 0, len);
        return oid;
      }
      at[0] += len;
    }
    throw new IOException(source + ": the EC private key names no curve");
  }

  private static void expect(byte[] der, int[] at, int tag, String source) throws IOException {
    if (der.length == 0 || (der[at[0]++] & 0xff) != tag) {
      throw new IOException(source + ": malformed EC PRIVATE KEY");
    }
  }

  private static int length(byte[] der, int[] at) {
    int first = der[at[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int len = 0;
    for (int i = 0; i < (first & 0x7f); i++) {
      len = (len << 8) | (der[at[0]++] & 0xff);
    }
    return len;
  }

  private static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = body.size();
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }
}
