package io.inmesh.instrumentation.http.jdk;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.api.Mesh;
import io.inmesh.api.MeshRequest;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code HttpRequestImpl.getAddress()}, where the client asks where to connect. The
 * decision usually comes from {@link SendAsyncAdvice}; requests the client creates by itself
 * (redirects, authentication retries) are decided here. A routed or refused request skips the
 * original body, which would resolve the application's host name in DNS (a name that often exists
 * only in the mesh). References only the bootstrap API and the JDK.
 */
public final class GetAddressAdvice {

  private GetAddressAdvice() {}

  /** Returns the mesh's decision to skip the original body, or null to run it. */
  @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
  public static Decision enter(@Advice.This Object self) {
    if (!(self instanceof DecisionCarrier) || !Mesh.active()) {
      return null;
    }
    DecisionCarrier carrier = (DecisionCarrier) self;
    Decision decision = carrier.inmeshDecision();
    if (decision == null) {
      HttpRequest request = (HttpRequest) self;
      URI uri = request.uri();
      if (uri == null || uri.getHost() == null) {
        return null;
      }
      String scheme = uri.getScheme();
      String query = uri.getRawQuery();
      String path = uri.getRawPath();
      decision = Mesh.outbound(new MeshRequest(MeshRequest.HTTP, scheme, uri.getHost(),
          MeshRequest.portOrDefault(uri.getPort(), scheme),
          query == null ? path : path + "?" + query,
          request.method(), request.headers().map(), MeshRequest.OPENS_MESH_TLS));
      if (decision == null) {
        decision = Decision.PASS_THROUGH;
      }
      carrier.inmeshDecision(decision);
    }
    return decision.passThrough() ? null : decision;
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.This Object self, @Advice.Enter Decision decision,
      @Advice.Return(readOnly = false) InetSocketAddress address,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (decision == null) {
      return;
    }
    if (decision.isLocalReply()) {
      // Decided here (a redirect or a retry the client built itself): the request line cannot be
      // pointed at the reply server any more, so the call fails with the reason.
      thrown = new ConnectException(decision.rejectMessage());
      return;
    }
    // Plain HTTP keys its connection pools by the bare endpoint IP; TLS keeps the application's
    // host name on the address so that SNI and hostname verification use it.
    address = "https".equalsIgnoreCase(((HttpRequest) self).uri().getScheme())
        ? decision.endpoint() : decision.endpointIp();
  }
}
