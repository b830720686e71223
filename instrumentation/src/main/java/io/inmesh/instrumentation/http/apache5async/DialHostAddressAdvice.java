package io.inmesh.instrumentation.http.apache5async;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.net.NamedEndpoint;

/**
 * Inlined into {@code MultihomeIOSessionRequester.connect(ConnectionInitiator, NamedEndpoint,
 * SocketAddress remote, ...)}. The HTTP/2 client's session pool asks it for a connection with no
 * remote address, and it then resolves the endpoint's host name through DNS, ignoring an address
 * the {@code HttpHost} carries. A mesh-routed target carries the endpoint's IP beside the
 * application's host name, so it is dialled at that IP, as the HTTP/1.1 connection operator already
 * does for any host with an address. References only HttpCore 5 and the JDK.
 */
public final class DialHostAddressAdvice {

  private DialHostAddressAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.Argument(1) NamedEndpoint endpoint,
      @Advice.Argument(value = 2, readOnly = false) SocketAddress remote) {
    if (remote != null || !(endpoint instanceof HttpHost)) {
      return;
    }
    InetAddress address = ((HttpHost) endpoint).getAddress();
    int port = endpoint.getPort();
    if (address != null && port > 0) {
      remote = new InetSocketAddress(address, port);
    }
  }
}
