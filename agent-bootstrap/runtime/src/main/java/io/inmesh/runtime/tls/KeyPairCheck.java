package io.inmesh.runtime.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Whether a private key belongs to a certificate: it signs a probe that the certificate's public
 * key verifies. Catches a rotation read half-way (new key, old certificate) before a handshake
 * would fail on it.
 */
final class KeyPairCheck {

  private static final byte[] PROBE = "inmesh key check".getBytes(StandardCharsets.US_ASCII);

  private KeyPairCheck() {}

  static void requireMatch(X509Certificate certificate, PrivateKey key, String certFile,
      String keyFile) throws IOException {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> key.getAlgorithm();
    };
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(PROBE);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(keyFile + " does not match " + certFile + ": " + e.getMessage(), e);
    }
    throw new IOException(keyFile + " is not the key of the certificate in " + certFile);
  }
}
