package io.inmesh.runtime.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the workload certificate current at handshake time. The alias names the reading
 * ({@code workload-GENERATION}), so a rotation between JSSE's three calls (choose the alias, get
 * the chain, get the key) still yields a chain and key of one reading.
 */
final class WorkloadKeyManager extends X509ExtendedKeyManager {

  private static final String PREFIX = "workload-";

  private final FileWatcherProvider provider;

  WorkloadKeyManager(FileWatcherProvider provider) {
    this.provider = provider;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return alias(keyTypes);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return alias(keyTypes);
  }

  /**
   * The current reading's alias when its key is of a type the server accepts. The server's
   * issuer list is not consulted: Istio's servers send none, and the mesh root may sit above an
   * intermediate the list would not name.
   */
  private String alias(String[] keyTypes) {
    CertificateMaterial m = provider.current();
    if (m == null || m.key() == null) {
      return null;
    }
    if (keyTypes != null) {
      String algorithm = m.key().getAlgorithm();
      boolean accepted = false;
      for (String type : keyTypes) {
        if (type.equals(algorithm) || type.startsWith(algorithm + "_")
            || ("RSA".equals(algorithm) && "RSASSA-PSS".equals(type))) {
          accepted = true;
          break;
        }
      }
      if (!accepted) {
        return null;
      }
    }
    return PREFIX + m.generation();
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    CertificateMaterial m = material(alias);
    return m == null || m.chain() == null ? null : m.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    CertificateMaterial m = material(alias);
    return m == null ? null : m.key();
  }

  private CertificateMaterial material(String alias) {
    if (alias == null || !alias.startsWith(PREFIX)) {
      return null;
    }
    try {
      return provider.generation(Long.parseLong(alias.substring(PREFIX.length())));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String alias = alias(new String[] {keyType});
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
