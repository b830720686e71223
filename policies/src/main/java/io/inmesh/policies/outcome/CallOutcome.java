package io.inmesh.policies.outcome;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * How one attempt of a call ended, in the same terms for every protocol (issue 4, point 7): a
 * response with its status (and gRPC status when the protocol has one), or one of Envoy's upstream
 * failure kinds. Retries ({@code retry_on}), outlier detection and response flags all read this.
 * Instances are shared (statuses 100..599 and gRPC statuses 0..16 are cached), so reporting an
 * outcome does not allocate.
 *
 * @param kind what happened
 * @param status the HTTP status of a {@link Kind#RESPONSE}, else 0
 * @param grpcStatus the {@code grpc-status} of a gRPC response (trailers-only or trailers), else
 *     -1
 */
public record CallOutcome(Kind kind, int status, int grpcStatus) {

  /** Envoy's distinctions (its stream reset reasons plus "a response arrived"). */
  public enum Kind {
    /** Response headers arrived (any status, 5xx included). */
    RESPONSE,
    /** The connection could not be established (refused, unreachable, connect timeout): UF. */
    CONNECT_FAILURE,
    /** The upstream reset or closed the stream after connecting, before a response: UR. */
    RESET,
    /** HTTP/2 REFUSED_STREAM: the upstream did not process the request (safe to retry). */
    REFUSED_STREAM,
    /** The attempt ran into its per-try timeout (or the route timeout): UT. */
    TIMEOUT,
    /** The application (or the client) abandoned the call: not the upstream's fault. */
    CANCELLED
  }

  public static final CallOutcome CONNECT_FAILURE = new CallOutcome(Kind.CONNECT_FAILURE, 0, -1);
  public static final CallOutcome RESET = new CallOutcome(Kind.RESET, 0, -1);
  public static final CallOutcome REFUSED_STREAM = new CallOutcome(Kind.REFUSED_STREAM, 0, -1);
  public static final CallOutcome TIMEOUT = new CallOutcome(Kind.TIMEOUT, 0, -1);
  public static final CallOutcome CANCELLED = new CallOutcome(Kind.CANCELLED, 0, -1);

  private static final CallOutcome[] BY_STATUS = new CallOutcome[600];
  private static final CallOutcome[] GRPC_OK = new CallOutcome[17];

  static {
    for (int s = 100; s < 600; s++) {
      BY_STATUS[s] = new CallOutcome(Kind.RESPONSE, s, -1);
    }
    for (int g = 0; g < GRPC_OK.length; g++) {
      GRPC_OK[g] = new CallOutcome(Kind.RESPONSE, 200, g);
    }
  }

  /** A response with this HTTP status (shared instance for 100..599). */
  public static CallOutcome response(int status) {
    return status >= 100 && status < 600 ? BY_STATUS[status]
        : new CallOutcome(Kind.RESPONSE, status, -1);
  }

  /** A gRPC response: its HTTP status and {@code grpc-status} (-1 when absent). */
  public static CallOutcome grpc(int httpStatus, int grpcStatus) {
    if (grpcStatus < 0) {
      return response(httpStatus);
    }
    return httpStatus == 200 && grpcStatus < GRPC_OK.length ? GRPC_OK[grpcStatus]
        : new CallOutcome(Kind.RESPONSE, httpStatus, grpcStatus);
  }

  /**
   * Classifies a client library's exception. Looks through causes; connect-time failures
   * (refused, unreachable, unknown host, connect timeout) are CONNECT_FAILURE; read/request
   * timeouts TIMEOUT; an HTTP/2 REFUSED_STREAM reset REFUSED_STREAM; cancellation and
   * interruption CANCELLED; any other {@link IOException} RESET; anything else (a bug in the
   * application or library, not the upstream) CANCELLED, so it neither retries nor ejects.
   */
  public static CallOutcome failure(Throwable error) {
    Throwable t = error;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      String type = t.getClass().getName();
      String message = t.getMessage();
      if (t instanceof ConnectException || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException || t instanceof PortUnreachableException
          || type.equals("java.net.http.HttpConnectTimeoutException")
          || type.endsWith("ConnectTimeoutException")) {
        return CONNECT_FAILURE;
      }
      if (message != null && message.contains("REFUSED_STREAM")) {
        return REFUSED_STREAM;
      }
      if (t instanceof SocketTimeoutException) {
        return message != null && message.toLowerCase(java.util.Locale.ROOT).contains("connect")
            ? CONNECT_FAILURE : TIMEOUT;
      }
      if (type.equals("java.net.http.HttpTimeoutException")
          || t instanceof java.util.concurrent.TimeoutException) {
        return TIMEOUT;
      }
      if (t instanceof java.util.concurrent.CancellationException
          || t instanceof InterruptedException
          || t instanceof java.io.InterruptedIOException) {
        return CANCELLED;
      }
    }
    for (t = error; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return RESET;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return CANCELLED;
  }

  public boolean isResponse() {
    return kind == Kind.RESPONSE;
  }

  /** A 5xx response. */
  public boolean is5xx() {
    return kind == Kind.RESPONSE && status >= 500 && status < 600;
  }

  /** 502, 503 or 504: Envoy's "gateway error". */
  public boolean isGatewayError() {
    return kind == Kind.RESPONSE && status >= 502 && status <= 504;
  }

  /**
   * Failures that originate in this process's view of the connection rather than in an upstream
   * response (Envoy's "locally originated" errors: connect failure, timeout).
   */
  public boolean isLocalOrigin() {
    return kind == Kind.CONNECT_FAILURE || kind == Kind.TIMEOUT;
  }

  /** Envoy's response flag for a failed attempt: UF, UR, UT, or "-". */
  public String responseFlag() {
    return switch (kind) {
      case CONNECT_FAILURE -> "UF";
      case RESET, REFUSED_STREAM -> "UR";
      case TIMEOUT -> "UT";
      default -> "-";
    };
  }

  /** The status a client answers the application with when this is the final outcome. */
  public int httpStatus() {
    return switch (kind) {
      case RESPONSE -> status;
      case TIMEOUT -> 504;
      default -> 503;
    };
  }
}
