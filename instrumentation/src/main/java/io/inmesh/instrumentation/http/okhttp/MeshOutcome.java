package io.inmesh.instrumentation.http.okhttp;

import io.inmesh.api.Decision;
import io.inmesh.api.ResponseHeaderChanges;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * The last application interceptor of a routed call's client copy: reports how the call ended
 * (the final response's status, or the failure) to its decision, once, so breakers, outlier
 * detection and telemetry count OkHttp calls too; and applies the route's response header changes.
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
    return withRouteHeaders(response);
  }

  /** The response with the route's response header changes. */
  private Response withRouteHeaders(Response response) {
    if (decision.responseRewrite() == null) {
      return response;
    }
    Map<String, List<String>> received = ResponseHeaderChanges.newHeaderMap();
    Headers headers = response.headers();
    for (int i = 0; i < headers.size(); i++) {
      ResponseHeaderChanges.put(received, headers.name(i), headers.value(i));
    }
    Map<String, List<String>> edits = ResponseHeaderChanges.of(decision, received);
    if (edits.isEmpty()) {
      return response;
    }
    Response.Builder changed = response.newBuilder();
    for (Map.Entry<String, List<String>> e : edits.entrySet()) {
      changed.removeHeader(e.getKey());
      for (String value : e.getValue()) {
        changed.addHeader(e.getKey(), value);
      }
    }
    return changed.build();
  }
}
