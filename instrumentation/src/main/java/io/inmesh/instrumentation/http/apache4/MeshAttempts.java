package io.inmesh.instrumentation.http.apache4;

import io.inmesh.api.CallAttempts;
import io.inmesh.api.Decision;
import io.inmesh.api.RequestMutation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.Configurable;
import org.apache.http.client.methods.HttpRequestBase;

/**
 * The route's timeouts and retries for HttpClient 4, whose {@code doExecute} the advice repeats
 * once per attempt: reports how an attempt ended and aims the request at the next attempt's
 * endpoint (or at the reply server for Envoy's 504 {@code UT}). A request whose entity is not
 * repeatable is sent once. Each attempt of an {@code HttpRequestBase} ({@code HttpGet}, ...) waits
 * for data at most the attempt's time (its socket timeout; the per-try timeout bounded by what is
 * left of the route timeout); the request's own configuration is restored when the call ends.
 *
 * <p>Defined in HttpClient 4's class loader (see {@code HelperClasses}): it may reference only
 * HttpClient 4, the JDK and the bootstrap API.
 */
public final class MeshAttempts {

  private MeshAttempts() {}

  /**
   * Reports the attempt and returns the next one's decision with the request aimed at it, or null
   * when this attempt's outcome stands. A response that is retried is closed.
   */
  public static Decision next(CallAttempts attempts, Decision attempt, HttpRequest request,
      CloseableHttpResponse response, Throwable error) {
    if (attempt.isLocalReply()) {
      return null; // the route timeout's 504 ends the call
    }
    int status = response == null || response.getStatusLine() == null ? 0
        : response.getStatusLine().getStatusCode();
    Decision next = attempts.next(attempt, status,
        response == null ? null : headersOf(response.getAllHeaders()), error,
        error instanceof SocketTimeoutException, replayable(request));
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
    if (!next.rejected()) {
      if (next.isLocalReply()) {
        ((HttpRequestBase) request).setURI(
            URI.create("http://" + next.endpointAuthority() + next.replyPath()));
      } else {
        setHeaders(next.mutation(), request);
      }
    }
    return next;
  }

  /** Where the next attempt goes: its endpoint under the application's host name. */
  public static HttpHost target(Decision next, HttpHost previous) {
    InetSocketAddress endpoint = next.endpointIp();
    if (next.isLocalReply()) {
      return new HttpHost(endpoint.getAddress(), endpoint.getAddress().getHostAddress(),
          endpoint.getPort(), "http");
    }
    return new HttpHost(endpoint.getAddress(), previous.getHostName(), endpoint.getPort(),
        previous.getSchemeName());
  }

  /**
   * Bounds the next attempt by the mesh's attempt time as the request's socket timeout (never
   * longer than the one it had).
   *
   * @param original the request's configuration before the call (null: the client's)
   * @return true when the request's configuration was changed
   */
  public static boolean limit(CallAttempts attempts, HttpRequest request, RequestConfig original,
      Object client) {
    long millis = attempts.attemptTimeoutMillis();
    if (millis <= 0 || !(request instanceof HttpRequestBase)) {
      return false;
    }
    RequestConfig base = original != null ? original
        : client instanceof Configurable ? ((Configurable) client).getConfig() : null;
    if (base == null) {
      base = RequestConfig.DEFAULT;
    }
    if (base.getSocketTimeout() > 0 && base.getSocketTimeout() <= millis) {
      return false;
    }
    ((HttpRequestBase) request).setConfig(RequestConfig.copy(base)
        .setSocketTimeout((int) Math.min(Integer.MAX_VALUE, millis)).build());
    return true;
  }

  /** The request's own configuration, or null. */
  public static RequestConfig configOf(HttpRequest request) {
    return request instanceof HttpRequestBase ? ((HttpRequestBase) request).getConfig() : null;
  }

  /** Gives the request back the configuration it had before the call. */
  public static void restore(HttpRequest request, RequestConfig original) {
    ((HttpRequestBase) request).setConfig(original);
  }

  private static boolean replayable(HttpRequest request) {
    if (!(request instanceof HttpEntityEnclosingRequest)) {
      return true;
    }
    HttpEntity entity = ((HttpEntityEnclosingRequest) request).getEntity();
    return entity == null || entity.isRepeatable();
  }

  /** A retry's own header changes: its trace context. */
  private static void setHeaders(RequestMutation mutation, HttpRequest request) {
    if (mutation == null) {
      return;
    }
    for (int i = 0; i < mutation.setCount(); i++) {
      request.setHeader(mutation.setName(i), mutation.setValue(i));
    }
  }

  /** Headers by lower-case name. */
  public static Map<String, List<String>> headersOf(Header[] all) {
    Map<String, List<String>> headers = new HashMap<String, List<String>>();
    for (Header header : all) {
      String name = header.getName().toLowerCase(Locale.ROOT);
      List<String> values = headers.get(name);
      if (values == null) {
        values = new ArrayList<String>(1);
        headers.put(name, values);
      }
      values.add(header.getValue());
    }
    return headers;
  }
}
