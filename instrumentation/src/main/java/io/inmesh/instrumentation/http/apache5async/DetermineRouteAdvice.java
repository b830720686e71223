package io.inmesh.instrumentation.http.apache5async;

import io.inmesh.api.Decision;
import io.inmesh.instrumentation.http.apache5.MeshRoute;
import java.net.ConnectException;
import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;

/**
 * Inlined into {@code InternalHttpAsyncClient.determineRoute(HttpHost, HttpRequest,
 * HttpClientContext)} and {@code InternalH2AsyncClient}'s. The request is the one the exec chain
 * copies next, so changes to it reach the wire. Same decisions as the classic client's
 * {@code DoExecuteAdvice}: a rejected call fails the exchange (its future) with the refusal.
 * References only the bootstrap API, HttpClient 5, the JDK and {@link MeshRoute} (defined in
 * HttpClient 5's loader, shared with the classic client); no lambdas.
 */
public final class DetermineRouteAdvice {

  private DetermineRouteAdvice() {}

  /** Returns a refusal to skip the original method; exit then throws it as the call's failure. */
  @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
  public static Decision enter(@Advice.This Object client,
      @Advice.Argument(value = 0, readOnly = false) HttpHost target,
      @Advice.Argument(1) HttpRequest request) {
    // the outcome is reported when the exchange's consumer is ours (see ExecuteAdvice)
    // the HTTP/2 client's sessions come from another pool, which does not open the mesh's TLS
    boolean opensTls = !client.getClass().getName().endsWith("InternalH2AsyncClient");
    MeshRoute route = MeshRoute.decide(target, request, MeshResponseConsumer.producing(),
        opensTls, false);
    if (route == null) {
      return null;
    }
    if (route.decision().rejected()) {
      return route.decision();
    }
    target = route.target();
    if (route.routed()) {
      MeshResponseConsumer.attachToCurrent(route.decision());
      if (opensTls) {
        MeshTlsEndpoints.record(route.decision().endpointIp(), route.decision().tls());
      }
    }
    return null;
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.Enter Decision refusal,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (refusal != null) {
      thrown = new ConnectException(refusal.rejectMessage());
      refusal.complete(null, 0, thrown);
    }
  }
}
