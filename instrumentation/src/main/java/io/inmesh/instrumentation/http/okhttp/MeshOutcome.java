package io.inmesh.instrumentation.http.okhttp;

import io.inmesh.api.CallAttempts;
import io.inmesh.api.Decision;
import io.inmesh.api.Mesh;
import io.inmesh.api.ResponseHeaderChanges;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The last application interceptor of a routed call's client copy. Without route timeouts and
 * retries it sends the call on and reports how it ended (the final response's status, or the
 * failure) to its decision, once, so breakers, outlier detection and telemetry count OkHttp calls
 * too. With them ({@link CallAttempts}) it sends each attempt itself, as a call of its own on a
 * copy of the application's client aimed at the attempt's endpoint (without the application's
 * interceptors, which already ran), bounded by the attempt's timeout ({@code Call.timeout()}), and
 * lets the mesh decide what follows; the route timeout's 504 {@code UT} comes from the local reply
 * server. Either way the route's response header changes are applied.
 *
 * <p>Replays: a request without a body, or with one of OkHttp's own bodies of known length
 * ({@code RequestBody.create} from bytes or a string, {@code FormBody}, {@code MultipartBody}),
 * may be sent again; any other body (a stream the application writes) is sent once.
 *
 * <p>Defined in OkHttp's class loader (see {@code HelperClasses}): it may reference only OkHttp,
 * the JDK and the bootstrap API.
 */
public final class MeshOutcome implements Interceptor {

  private final Decision decision;
  private final OkHttpClient application;
  private final String host;
  private final int port;

  /**
   * @param application the application's client, from which each attempt's copy is made
   * @param host the host the application named
   * @param port the port the application named
   */
  public MeshOutcome(Decision decision, OkHttpClient application, String host, int port) {
    this.decision = decision;
    this.application = application;
    this.host = host;
    this.port = port;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    CallAttempts attempts = Mesh.attempts(decision);
    if (attempts == null) {
      return once(chain);
    }
    Request request = chain.request();
    boolean replayable = replayable(request.body());
    Decision attempt = decision;
    while (true) {
      if (attempt.isLocalReply()) {
        return send(attempt, request, 0);
      }
      long timeout = attempts.attemptTimeoutMillis();
      Response response = null;
      IOException error = null;
      boolean timedOut = timeout < 0;
      if (!timedOut) {
        try {
          response = send(attempt, request, timeout);
        } catch (IOException e) {
          error = e;
          // Call.timeout() ends the attempt with an InterruptedIOException
          timedOut = timeout > 0 && e instanceof InterruptedIOException;
        }
      }
      Decision next = attempts.next(attempt, response == null ? 0 : response.code(),
          response == null ? null : response.headers().toMultimap(), error, timedOut,
          replayable && !chain.call().isCanceled());
      if (next == null) {
        if (response != null) {
          return withRouteHeaders(response);
        }
        throw error != null ? error : new InterruptedIOException("inmesh: upstream timeout");
      }
      if (response != null) {
        response.close();
      }
      attempt = next;
    }
  }

  /** The call as the routed copy sends it, reported once. */
  private Response once(Chain chain) throws IOException {
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

  /** One attempt at the attempt's endpoint, or a local reply at the reply server. */
  private Response send(Decision attempt, Request request, long timeoutMillis)
      throws IOException {
    if (attempt.rejected()) {
      throw new InterruptedIOException(attempt.rejectMessage());
    }
    OkHttpClient.Builder copy = application.newBuilder()
        .dns(new MeshDns(host, attempt.endpointIp().getAddress(),
            attempt.endpointIp().getPort(), application.dns(), null))
        .socketFactory(new EndpointSocketFactory(attempt.endpointIp(), port, attempt.tls()));
    copy.interceptors().clear();
    Request sent = !attempt.isLocalReply() ? request : request.newBuilder()
        .url("http://" + attempt.endpointAuthority() + attempt.replyPath()).build();
    Call call = copy.build().newCall(sent);
    if (timeoutMillis > 0) {
      call.timeout().timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }
    return call.execute();
  }

  private static boolean replayable(RequestBody body) {
    return body == null
        || (body.getClass().getName().startsWith("okhttp3.") && contentLength(body) >= 0);
  }

  private static long contentLength(RequestBody body) {
    try {
      return body.contentLength();
    } catch (IOException e) {
      return -1;
    }
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
