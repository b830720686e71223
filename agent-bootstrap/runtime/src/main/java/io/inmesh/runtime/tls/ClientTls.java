package io.inmesh.runtime.tls;

import io.inmesh.api.MeshTls;
import io.inmesh.policies.route.StringMatch;
import io.inmesh.policies.tls.UpstreamTls;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;

import javax.net.ssl.TrustManager;

/**
 * A cluster's {@link UpstreamTls} made usable: one {@link SSLContext} whose managers read the
 * providers' current material per handshake (so it is built once and survives rotations), plus
 * the per-connection parameters (ALPN, SNI).
 */
public final class ClientTls extends MeshTls {

  private static final String[] ALPN = UpstreamTls.HTTP_ALPN.toArray(new String[0]);

  private final UpstreamTls config;
  private final FileWatcherProvider identity;
  private final FileWatcherProvider roots;
  private final MeshTrustManager trust;
  private final KeyManager[] keyManagers;
  private volatile SSLContext context;
  private final List<SNIServerName> serverNames;

  ClientTls(UpstreamTls config, FileWatcherProvider identity, FileWatcherProvider roots,
      String cluster) throws GeneralSecurityException {
    this.config = config;
    this.identity = identity;
    this.roots = roots;
    this.trust = new MeshTrustManager(roots, config.subjectAltNames(), "cluster " + cluster);
    this.keyManagers = identity == null ? new KeyManager[0]
        : new KeyManager[] {new WorkloadKeyManager(identity)};
    this.context = newContext();
    this.serverNames = config.sni() == null ? List.of() : List.of(serverName(config.sni()));
    if (identity != null) {
      identity.onChange(this::forgetSessions);
    }
    if (roots != identity) {
      roots.onChange(this::forgetSessions);
    }
  }

  /**
   * The cluster's SNI as a {@code host_name} entry. Envoy's names carry underscores
   * ({@code outbound_.9080_._.reviews...}), which {@link SNIHostName} refuses as non-LDH in both
   * its forms; the extension itself carries any bytes, and Istio's servers match them as sent.
   */
  private static SNIServerName serverName(String sni) {
    try {
      return new SNIHostName(sni);
    } catch (IllegalArgumentException notLdh) {
      return new SNIServerName(StandardConstants.SNI_HOST_NAME,
          sni.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {};
    }
  }

  private SSLContext newContext() throws GeneralSecurityException {
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(keyManagers, new TrustManager[] {trust}, null);
    return c;
  }

  /**
   * A resumed TLS session keeps the identities of the handshake that made it (TLS 1.3 tickets
   * included): after a rotation, new connections must make full handshakes to present and check
   * the new certificates. A fresh context has an empty session cache; open connections keep
   * theirs.
   */
  private void forgetSessions() {
    try {
      context = newContext();
    } catch (GeneralSecurityException e) {
      // the same call succeeded at construction; keep the old context rather than none
    }
  }

  /**
   * Why calls cannot be made now (no workload certificate or no root read yet), or null when they
   * can.
   */
  public String unusable() {
    if (identity != null && (identity.current() == null || identity.current().key() == null)) {
      return "no workload certificate from certificate provider " + identity.instance() + " ("
          + identity.problem() + ")";
    }
    if (roots.current() == null || roots.current().roots() == null) {
      return "no root certificate from certificate provider " + roots.instance() + " ("
          + roots.problem() + ")";
    }
    return null;
  }

  /**
   * The SPIFFE ID the server proved last (this cluster's servers share one identity in Istio), or
   * else the one the cluster requires when it names exactly one; {@code unknown} (Istio's word
   * for a label it cannot fill) when neither is known.
   */
  public String peerPrincipal() {
    String peer = trust.lastPeer();
    if (peer != null) {
      return peer;
    }
    var sans = config.subjectAltNames();
    return sans.size() == 1 && sans.get(0).match().kind() == StringMatch.Kind.EXACT
        ? sans.get(0).match().value() : "unknown";
  }

  /** This workload's SPIFFE ID, or null. */
  public String localPrincipal() {
    CertificateMaterial m = identity == null ? null : identity.current();
    return m == null ? null : m.spiffeId();
  }

  @Override
  public SSLContext context() {
    return context;
  }

  @Override
  public void configure(SSLParameters parameters) {
    parameters.setApplicationProtocols(ALPN.clone());
    parameters.setServerNames(serverNames);
    parameters.setEndpointIdentificationAlgorithm(null);
  }

  /**
   * Layers this TLS on a connected socket for a byte stream that is not HTTP (a TCP connection
   * the mesh routes), offering the cluster's own ALPN ({@code istio-peer-exchange, istio} from
   * istiod; {@code istio} when it gives none), so that a sidecar's inbound listener takes it to
   * its TCP chain rather than its HTTP one.
   */
  public javax.net.ssl.SSLSocket secureStream(Socket connected) throws java.io.IOException {
    return secure(connected, config.alpn().isEmpty() ? new String[] {"istio"}
        : config.alpn().toArray(new String[0]));
  }

  @Override
  public Socket newSocket(InetSocketAddress endpoint, int applicationPort) {
    return new TlsSocket(this, endpoint, applicationPort);
  }

  @Override
  public String toString() {
    return "mesh TLS " + config.contextKey();
  }
}
