package io.inmesh.runtime.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager for the client side of a connection, over the roots a certificate provider
 * read last: it verifies servers (how is the subclass's) and refuses to judge clients.
 */
abstract class ServerTrust extends X509ExtendedTrustManager {

  /** Where the roots come from; the current ones are read at each handshake. */
  final FileWatcherProvider roots;

  ServerTrust(FileWatcherProvider roots) {
    this.roots = roots;
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType,
      SSLEngine engine) throws CertificateException {
    throw new CertificateException("a client context does not accept clients");
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a client context does not accept clients");
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a client context does not accept clients");
  }

  @Override
  public final X509Certificate[] getAcceptedIssuers() {
    CertificateMaterial m = roots.current();
    return m == null || m.roots() == null ? new X509Certificate[0] : m.roots().clone();
  }
}
