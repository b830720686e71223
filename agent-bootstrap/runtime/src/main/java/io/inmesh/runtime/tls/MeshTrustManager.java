package io.inmesh.runtime.tls;

import io.inmesh.policies.tls.SanMatcher;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies the server of a mesh connection (gRFC A29 "Server Authorization"): its chain must lead
 * to a root of the cluster's validation provider as read at handshake time (or the reading before
 * it, so a root rotation does not break connections in flight), and one of its subject
 * alternative names must match the cluster's {@code match_subject_alt_names}. Host name
 * verification does not apply: a mesh server is identified by its SPIFFE ID, not by a DNS name.
 * Being an {@link X509ExtendedTrustManager}, JSSE hands the decision to it entirely.
 */
final class MeshTrustManager extends ServerTrust {

  private final List<SanMatcher> subjectAltNames;
  private final String cluster;
  private volatile String lastPeer;

  /** @param cluster names the configuration in messages */
  MeshTrustManager(FileWatcherProvider roots, List<SanMatcher> subjectAltNames, String cluster) {
    super(roots);
    this.subjectAltNames = List.copyOf(subjectAltNames);
    this.cluster = cluster;
  }

  /** The SPIFFE ID of the last server this verified, or null. */
  String lastPeer() {
    return lastPeer;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain);
  }

  void verify(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server presented no certificate");
    }
    CertificateMaterial current = roots.current();
    if (current == null || current.roots() == null) {
      throw new CertificateException("no mesh root to verify the server with ("
          + roots.problem() + ")");
    }
    CertificateException failure = validate(chain, current.roots());
    if (failure != null) {
      CertificateMaterial before = roots.generation(current.generation() - 1);
      if (before == null || before.roots() == null || validate(chain, before.roots()) != null) {
        throw failure;
      }
    }
    if (!SubjectAltNames.matches(chain[0], subjectAltNames)) {
      throw new CertificateException("the server's certificate (" + SubjectAltNames.describe(
          chain[0]) + ") matches none of " + subjectAltNames + " required by " + cluster);
    }
    lastPeer = SubjectAltNames.spiffeId(chain[0]);
  }

  /** PKIX path validation to the roots, without revocation (the mesh has no CRLs): null if valid. */
  private static CertificateException validate(X509Certificate[] chain,
      X509Certificate[] trusted) {
    try {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (X509Certificate root : trusted) {
        anchors.add(new TrustAnchor(root, null));
      }
      List<X509Certificate> path = new ArrayList<>();
      for (X509Certificate c : chain) {
        if (!isAnchor(c, trusted)) {
          path.add(c);
        }
      }
      if (path.isEmpty()) {
        // the server presented a root itself: trusted as such
        return null;
      }
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
      return null;
    } catch (GeneralSecurityException e) {
      return new CertificateException("the server's certificate does not chain to the mesh"
          + " root: " + e.getMessage(), e);
    }
  }

  private static boolean isAnchor(X509Certificate c, X509Certificate[] trusted) {
    for (X509Certificate root : trusted) {
      if (root.equals(c)) {
        return true;
      }
    }
    return false;
  }
}
