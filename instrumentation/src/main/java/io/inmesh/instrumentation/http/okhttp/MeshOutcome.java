package io.inmesh.instrumentation.http.okhttp;

import io.inmesh.api.Decision;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * The last application interceptor of a routed call's client copy: reports how the call ended
 * (the final response's status, or the failure) to its decision, once, so breakers, outlier
 * detection and telemetry count OkHttp calls too.
 *
 * <p>Defined in OkHttp's class loader (see {@code HelperClasses}): it may reference only OkHttp,
 * the JDK and the bootstrap API.
 */
public final class MeshOutcome implements Interceptor {

  private final Decision decision;

  public MeshOutcome(Decision decision) {
    this.decision = decision;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response;
    try {
      response = chain.proceed(chain.request());
    } catch (IOException | RuntimeException e) {
      decision.complete(null, 0, e);
      throw e;
    }
    decision.complete(null, response.code(), null);
    return response;
  }
}
