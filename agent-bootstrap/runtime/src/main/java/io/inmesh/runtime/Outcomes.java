package io.inmesh.runtime;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How a call failed without a response, in the terms Envoy's retry and outlier policies use
 * ({@code connect-failure}, {@code reset}, timeouts), whatever library threw it.
 */
final class Outcomes {

  private Outcomes() {}

  /** {@code connect_failure}, {@code timeout}, {@code reset} or {@code error}; null when none. */
  static String failure(Throwable error) {
    Throwable e = unwrap(error);
    if (e == null) {
      return null;
    }
    if (isConnectFailure(e)) {
      return "connect_failure";
    }
    if (e instanceof HttpTimeoutException || e instanceof InterruptedIOException) {
      return "timeout";
    }
    if (e instanceof SocketException) {
      return "reset";
    }
    return "error";
  }

  static boolean isConnectFailure(Throwable error) {
    Throwable e = unwrap(error);
    return e instanceof ConnectException || e instanceof NoRouteToHostException
        || e instanceof HttpConnectTimeoutException;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
