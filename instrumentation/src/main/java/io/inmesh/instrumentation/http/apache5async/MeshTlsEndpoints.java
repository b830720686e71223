package io.inmesh.instrumentation.http.apache5async;

import io.inmesh.api.MeshTls;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.SSLParameters;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.Timeout;

/**
 * The endpoints whose cluster requires the mesh's TLS, for the async client: its connections are
 * set up on the I/O reactor, later and on another thread than the call that chose the endpoint,
 * so the TLS is found by the connected session's remote address. Routing records each endpoint
 * as it is chosen ({@link DetermineRouteAdvice}); a new session to a recorded endpoint starts
 * the TLS before the client's HTTP/1.1 codec writes ({@link SessionTlsAdvice}).
 *
 * <p>Defined in HttpClient 5's class loader (see {@code HelperClasses}): it may reference only
 * HttpClient 5, the JDK and the bootstrap API.
 */
public final class MeshTlsEndpoints {

  private static final ConcurrentMap<SocketAddress, MeshTls> TLS = new ConcurrentHashMap<>();

  private MeshTlsEndpoints() {}

  /** Records what the endpoint's cluster requires now: this TLS, or none. */
  public static void record(InetSocketAddress endpoint, MeshTls tls) {
    if (tls == null) {
      TLS.remove(endpoint);
    } else {
      TLS.put(endpoint, tls);
    }
  }

  /** Starts the mesh's TLS on a session connected to a recorded endpoint; false otherwise. */
  public static boolean startTls(Object session, SocketAddress remote, Timeout timeout) {
    MeshTls tls = remote == null ? null : TLS.get(remote);
    if (tls == null || !(session instanceof TransportSecurityLayer)
        || !(remote instanceof InetSocketAddress)) {
      return false;
    }
    InetSocketAddress address = (InetSocketAddress) remote;
    ((TransportSecurityLayer) session).startTls(tls.context(),
        new HttpHost("http", address.getAddress(), address.getHostString(), address.getPort()),
        SSLBufferMode.STATIC, (endpoint, engine) -> {
          SSLParameters parameters = engine.getSSLParameters();
          tls.configure(parameters);
          engine.setSSLParameters(parameters);
        }, null, timeout);
    return true;
  }
}
