package io.inmesh.instrumentation.http.apache5;

import io.inmesh.api.CallAttempts;
import io.inmesh.api.Decision;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.Configurable;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpEntity;

/**
 * The route's retries for HttpClient 5 classic, whose {@code doExecute} the advice repeats once
 * per attempt: reports how an attempt ended and says where the next one goes. A request whose
 * entity is not repeatable (a stream the application writes) is sent once. Each attempt of a
 * request that carries its own configuration ({@code HttpUriRequestBase}: {@code HttpGet},
 * {@code HttpPost}, ...) waits for its response at most the attempt's time (the per-try timeout,
 * bounded by what is left of the route timeout) as its response timeout: the time the client waits
 * for data, which is what a silent upstream costs; the request's own configuration is restored
 * when the call ends. An expired route timeout answers Envoy's 504 {@code UT}.
 *
 * <p>Defined in HttpClient 5's class loader (see {@code HelperClasses}): it may reference only
 * HttpClient 5, the JDK and the bootstrap API.
 */
public final class ClassicAttempts {

  private ClassicAttempts() {}

  /**
   * The route of the next attempt, or null when this attempt's outcome stands. A response that
   * is retried is closed (its connection goes back to the pool).
   */
  public static MeshRoute next(CallAttempts attempts, MeshRoute attempt,
      ClassicHttpRequest request, CloseableHttpResponse response, Throwable error) {
    Decision decision = attempt.decision();
    if (decision.isLocalReply()) {
      return null; // the route timeout's 504 ends the call
    }
    HttpEntity entity = request.getEntity();
    Decision next = attempts.next(decision, response == null ? 0 : response.getCode(),
        response == null ? null : MeshRoute.headersOf(response), error,
        error instanceof SocketTimeoutException, entity == null || entity.isRepeatable());
    if (next == null) {
      return null;
    }
    if (response != null) {
      try {
        response.close();
      } catch (IOException ignored) {
        // the connection is discarded instead of reused
      }
    }
    return MeshRoute.forAttempt(next, attempt.target(), request);
  }

  /**
   * Bounds the next attempt of {@code request} by the mesh's attempt time, as its response
   * timeout (never longer than the one it had).
   *
   * @param original the request's configuration before the call (null: the client's)
   * @param client the client, whose configuration applies when the request has none
   * @return true when the request's configuration was changed (restore it with {@code original})
   */
  public static boolean limit(CallAttempts attempts, ClassicHttpRequest request,
      RequestConfig original, Object client) {
    long millis = attempts.attemptTimeoutMillis();
    if (millis <= 0 || !(request instanceof HttpUriRequestBase)) {
      return false;
    }
    RequestConfig base = original != null ? original
        : client instanceof Configurable ? ((Configurable) client).getConfig() : null;
    if (base == null) {
      base = RequestConfig.DEFAULT;
    }
    if (base.getResponseTimeout() != null && base.getResponseTimeout().isEnabled()
        && base.getResponseTimeout().toMilliseconds() <= millis) {
      return false;
    }
    ((HttpUriRequestBase) request).setConfig(RequestConfig.copy(base)
        .setResponseTimeout(millis, TimeUnit.MILLISECONDS).build());
    return true;
  }

  /** The request's own configuration, or null when it has none (or cannot have one). */
  public static RequestConfig configOf(ClassicHttpRequest request) {
    return request instanceof HttpUriRequestBase ? ((HttpUriRequestBase) request).getConfig()
        : null;
  }

  /** Gives the request back the configuration it had before the call. */
  public static void restore(ClassicHttpRequest request, RequestConfig original) {
    ((HttpUriRequestBase) request).setConfig(original);
  }
}
