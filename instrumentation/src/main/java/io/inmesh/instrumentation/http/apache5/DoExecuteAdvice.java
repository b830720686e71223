package io.inmesh.instrumentation.http.apache5;

import io.inmesh.api.Decision;
import io.inmesh.api.PendingTls;
import java.net.ConnectException;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpHost;

/**
 * Inlined into {@code InternalHttpClient.doExecute(HttpHost, ClassicHttpRequest, HttpContext)}.
 * References only the bootstrap API, HttpClient 5, the JDK and {@link MeshRoute} (defined in
 * HttpClient 5's loader); no lambdas.
 */
public final class DoExecuteAdvice {

  private DoExecuteAdvice() {}

  /** Returns a refusal to skip the original method; exit then throws it as the call's failure. */
  @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
  public static Decision enter(@Advice.Argument(value = 0, readOnly = false) HttpHost target,
      @Advice.Argument(1) ClassicHttpRequest request,
      @Advice.Local("inmeshRouted") Decision routed) {
    MeshRoute route = MeshRoute.decide(target, request, true, true);
    if (route == null) {
      return null;
    }
    if (route.decision().rejected()) {
      return route.decision();
    }
    target = route.target();
    if (route.routed()) {
      routed = route.decision();
      if (routed.tls() != null) {
        // the connection this call binds gets the mesh's TLS (BindTlsAdvice)
        PendingTls.set(routed.tls());
      }
    }
    return null;
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.Enter Decision refusal,
      @Advice.Local("inmeshRouted") Decision routed,
      @Advice.Return CloseableHttpResponse response,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (refusal != null) {
      thrown = new ConnectException(refusal.rejectMessage());
      refusal.complete(null, 0, thrown);
    }
    if (routed != null) {
      if (routed.tls() != null) {
        PendingTls.clear();
      }
      MeshRoute.rewriteResponse(routed, response);
      // the status line is in when doExecute returns; the body streams afterwards
      routed.complete(null, response == null ? 0 : response.getCode(), thrown);
    }
  }
}
