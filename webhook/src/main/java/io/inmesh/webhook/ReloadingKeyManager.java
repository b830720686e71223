package io.inmesh.webhook;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.logging.Logger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves the certificate and key from two PEM files and picks up new ones when the files change
 * (cert-manager renews by rewriting the mounted Secret; kubelet swaps the files in place), so a
 * renewal needs no restart. A half-written or mismatched pair is refused and the previous pair
 * keeps serving until the next check.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final Logger LOG = Logger.getLogger(ReloadingKeyManager.class.getName());
  private static final char[] NO_PASSWORD = new char[0];

  private final Path certFile;
  private final Path keyFile;
  private volatile X509ExtendedKeyManager current;
  private volatile byte[] fingerprint;

  ReloadingKeyManager(Path certFile, Path keyFile) throws IOException {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.fingerprint = fingerprint();
    this.current = build(PemKeyMaterial.load(certFile, keyFile));
  }

  /** A TLS 1.2/1.3 server context whose certificate follows the files. */
  SSLContext serverContext() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new javax.net.ssl.KeyManager[] {this}, null, null);
    return context;
  }

  /** Reloads when the files' content changed; returns whether a new pair is now served. */
  boolean reloadIfChanged() {
    try {
      byte[] now = fingerprint();
      if (Arrays.equals(now, fingerprint)) {
        return false;
      }
      current = build(PemKeyMaterial.load(certFile, keyFile));
      fingerprint = now;
      LOG.info("reloaded TLS certificate from " + certFile);
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warning("TLS files changed but cannot be used yet, still serving the previous certificate: "
          + e.getMessage());
      return false;
    }
  }

  private byte[] fingerprint() throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(Files.readAllBytes(certFile));
      digest.update(Files.readAllBytes(keyFile));
      return digest.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static X509ExtendedKeyManager build(PemKeyMaterial material) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("webhook", material.key(), NO_PASSWORD,
          material.chain().toArray(new X509Certificate[0]));
      KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
      factory.init(store, NO_PASSWORD);
      return (X509ExtendedKeyManager) factory.getKeyManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot use the TLS key: " + e.getMessage(), e);
    }
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return current.chooseEngineServerAlias(keyType, issuers, engine);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return current.chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return current.getServerAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return current.getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return current.getPrivateKey(alias);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null; // server only
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
