package io.inmesh.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Key encodings as real tools write them (fixtures made with openssl 3: {@code genrsa -traditional},
 * {@code ecparam -genkey}, {@code pkcs8 -topk8}): cert-manager writes PKCS#1 for RSA and SEC1 for
 * ECDSA by default, PKCS#8 when asked.
 */
class PemKeyMaterialTest {

  @Test
  void rsaPkcs1() throws Exception {
    assertEquals("RSA", PemKeyMaterial.load(tls("rsa.crt"), tls("rsa-pkcs1.key")).key().getAlgorithm());
  }

  @Test
  void ecSec1AfterEcParameters() throws Exception {
    assertEquals("EC", PemKeyMaterial.load(tls("ec.crt"), tls("ec-sec1.key")).key().getAlgorithm());
  }

  @Test
  void ecPkcs8() throws Exception {
    assertEquals("EC", PemKeyMaterial.load(tls("ec.crt"), tls("ec-pkcs8.key")).key().getAlgorithm());
  }

  @Test
  void aKeyOfAnotherCertificateIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PemKeyMaterial.load(tls("rsa.crt"), tls("ec-pkcs8.key")));
    assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
  }

  @Test
  void encryptedKeysAndSwappedFilesAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PemKeyMaterial.load(tls("rsa.crt"), tls("rsa-encrypted.key"))).getMessage().contains("encrypted"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PemKeyMaterial.load(tls("rsa.crt"), tls("rsa.crt"))).getMessage().contains("no PEM private key"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PemKeyMaterial.load(tls("rsa-pkcs1.key"), tls("rsa-pkcs1.key"))).getMessage().contains("certificate"));
  }

  private static Path tls(String name) throws URISyntaxException {
    return Path.of(PemKeyMaterialTest.class.getResource("/tls/" + name).toURI());
  }
}
