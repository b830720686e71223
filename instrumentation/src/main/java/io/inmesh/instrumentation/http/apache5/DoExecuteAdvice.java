package io.inmesh.instrumentation.http.apache5;

import io.inmesh.api.CallAttempts;
import io.inmesh.api.Decision;
import io.inmesh.api.Mesh;
import io.inmesh.api.PendingTls;
import java.net.ConnectException;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpHost;

/**
 * Inlined into {@code InternalHttpClient.doExecute(HttpHost, ClassicHttpRequest, HttpContext)}.
 * When the route has timeouts or retries ({@link CallAttempts}) the method is repeated once per
 * attempt, each time aimed at the attempt's target ({@link ClassicAttempts}). References only the
 * bootstrap API, HttpClient 5, the JDK and the helpers defined in HttpClient 5's loader; no
 * lambdas.
 */
public final class DoExecuteAdvice {

  private DoExecuteAdvice() {}

  /** Returns a refusal to skip the original method; exit then throws it as the call's failure. */
  @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
  public static Decision enter(@Advice.This Object client,
      @Advice.Argument(value = 0, readOnly = false) HttpHost target,
      @Advice.Argument(1) ClassicHttpRequest request,
      @Advice.Local("inmeshFirst") Decision first,
      @Advice.Local("inmeshAttempt") MeshRoute attempt,
      @Advice.Local("inmeshAttempts") CallAttempts attempts,
      @Advice.Local("inmeshConfig") RequestConfig config,
      @Advice.Local("inmeshLimited") boolean limited) {
    MeshRoute route = MeshRoute.decide(target, request, true, true, true);
    if (route == null) {
      return null;
    }
    if (route.decision().rejected()) {
      return route.decision();
    }
    target = route.target();
    if (route.routed()) {
      first = route.decision();
      attempt = route;
      attempts = Mesh.attempts(first);
      if (attempts != null) {
        config = ClassicAttempts.configOf(request);
        limited = ClassicAttempts.limit(attempts, request, config, client);
      }
      if (first.tls() != null) {
        // the connection this call binds gets the mesh's TLS (BindTlsAdvice)
        PendingTls.set(first.tls());
      }
    }
    return null;
  }

  /** Returns true to send the method again: the next attempt, aimed at {@code target}. */
  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class,
      repeatOn = Advice.OnNonDefaultValue.class)
  public static boolean exit(@Advice.Enter Decision refusal, @Advice.This Object client,
      @Advice.Argument(value = 0, readOnly = false) HttpHost target,
      @Advice.Argument(1) ClassicHttpRequest request,
      @Advice.Local("inmeshFirst") Decision first,
      @Advice.Local("inmeshAttempt") MeshRoute attempt,
      @Advice.Local("inmeshAttempts") CallAttempts attempts,
      @Advice.Local("inmeshConfig") RequestConfig config,
      @Advice.Local("inmeshLimited") boolean limited,
      @Advice.Return(readOnly = false) CloseableHttpResponse response,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (refusal != null) {
      thrown = new ConnectException(refusal.rejectMessage());
      refusal.complete(null, 0, thrown);
      return false;
    }
    if (attempt == null) {
      return false;
    }
    if (attempt.decision().tls() != null) {
      PendingTls.clear();
    }
    if (attempts != null) {
      MeshRoute next = ClassicAttempts.next(attempts, attempt, request, response, thrown);
      if (next != null) {
        if (next.decision().rejected()) {
          // no reply server to answer the route timeout: the call fails with the reason
          response = null;
          thrown = new ConnectException(next.decision().rejectMessage());
          if (limited) {
            ClassicAttempts.restore(request, config);
          }
          return false;
        }
        attempt = next;
        target = next.target();
        limited = ClassicAttempts.limit(attempts, request, config, client) || limited;
        if (next.decision().tls() != null) {
          PendingTls.set(next.decision().tls());
        }
        return true;
      }
    } else {
      // the status line is in when doExecute returns; the body streams afterwards
      first.complete(null, response == null ? 0 : response.getCode(), thrown);
    }
    if (limited) {
      ClassicAttempts.restore(request, config);
    }
    MeshRoute.rewriteResponse(first, response);
    return false;
  }
}
