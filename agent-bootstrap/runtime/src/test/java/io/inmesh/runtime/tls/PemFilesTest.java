package io.inmesh.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;

/** The key formats pilot-agent, cert-manager and openssl write. */
class PemFilesTest {

  @Test
  void readsSec1Pkcs8AndPkcs1Keys() throws Exception {
    TestCa ca = TestCa.create("cluster.local");
    TestCa.Issued issued = ca.issue(MeshTlsTest.PRODUCTPAGE);
    String sec1 = TestCa.sec1(issued.key());
    assertTrue(sec1.startsWith("-----BEGIN EC PRIVATE KEY-----"), sec1);
    assertEquals(s(issued.key()), s(PemFiles.privateKey(sec1, "k")));
    assertEquals(s(issued.key()), s(PemFiles.privateKey(
        TestCa.pem("PRIVATE KEY", issued.key().getEncoded()), "k")));
    KeyPairCheck.requireMatch(issued.certificate(), PemFiles.privateKey(sec1, "k"), "c", "k");

    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair pair = rsa.generateKeyPair();
    byte[] pkcs1 = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded()).parsePrivateKey()
        .toASN1Primitive().getEncoded();
    PrivateKey read = PemFiles.privateKey(TestCa.pem("RSA PRIVATE KEY", pkcs1), "k");
    assertEquals(pair.getPrivate(), read);
  }

  private static java.math.BigInteger s(PrivateKey key) {
    return ((java.security.interfaces.ECPrivateKey) key).getS();
  }

  @Test
  void refusesWhatItCannotUse() throws Exception {
    IOException encrypted = assertThrows(IOException.class, () -> PemFiles.privateKey(
        TestCa.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}), "key.pem"));
    assertTrue(encrypted.getMessage().contains("unencrypted"));
    TestCa ca = TestCa.create("cluster.local");
    IOException mismatch = assertThrows(IOException.class, () -> KeyPairCheck.requireMatch(
        ca.issue("spiffe://a").certificate(), ca.issue("spiffe://b").key(), "cert-chain.pem",
        "key.pem"));
    assertTrue(mismatch.getMessage().contains("not the key of"), mismatch.getMessage());
  }
}
