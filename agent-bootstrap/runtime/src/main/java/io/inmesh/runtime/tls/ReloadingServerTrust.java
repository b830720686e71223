package io.inmesh.runtime.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a server the ordinary way (PKIX to the roots, then the host name the client dialled,
 * which gRPC asks for) with the roots a provider read last: the JDK's own trust manager, rebuilt
 * when the roots change. For the xDS channel, whose server is named by DNS, unlike a mesh peer.
 */
final class ReloadingServerTrust extends ServerTrust {

  private volatile long generation = -1;
  private volatile X509ExtendedTrustManager delegate;

  ReloadingServerTrust(FileWatcherProvider roots) {
    super(roots);
  }

  private X509ExtendedTrustManager delegate() throws CertificateException {
    CertificateMaterial m = roots.current();
    if (m == null || m.roots() == null) {
      throw new CertificateException("no root to verify the xDS server with ("
          + roots.problem() + ")");
    }
    X509ExtendedTrustManager d = delegate;
    if (d == null || generation != m.generation()) {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < m.roots().length; i++) {
          store.setCertificateEntry("root-" + i, m.roots()[i]);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(
            TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
          if (tm instanceof X509ExtendedTrustManager x) {
            d = x;
          }
        }
      } catch (GeneralSecurityException | java.io.IOException e) {
        throw new CertificateException("cannot use the roots: " + e.getMessage(), e);
      }
      delegate = d;
      generation = m.generation();
    }
    return d;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate().checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate().checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate().checkServerTrusted(chain, authType);
  }
}
