package io.inmesh.runtime;

import io.inmesh.api.CallAttempts;
import io.inmesh.api.Decision;
import io.inmesh.policies.CallGuard;
import io.inmesh.policies.RetryDecision;
import io.inmesh.policies.Routing;
import io.inmesh.policies.outcome.CallOutcome;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The route's timeout, per-try timeout and retries for one call whose advice sends each attempt
 * itself on the calling thread (the synchronous counterpart of {@link ResilientJdkCall}, with the
 * same rules): every attempt's end goes to the call's guard (retry verdict, breakers, outlier
 * detection) and to {@link MeshRuntime#report}; a granted retry is a new decision for the host the
 * guard drew, sent after its backoff; when the route timeout expires with no response the
 * application gets Envoy's 504 {@code UT}, answered by the local reply server.
 */
final class SyncAttempts implements CallAttempts {

  private final MeshRuntime runtime;
  private final Decision first;
  private final CallState firstCall;
  private final CallGuard guard;
  /** When the route timeout expires ({@link System#nanoTime()}), or 0 for none. */
  private final long deadlineNanos;

  private SyncAttempts(MeshRuntime runtime, Decision first, CallState firstCall,
      long routeTimeoutNanos) {
    this.runtime = runtime;
    this.first = first;
    this.firstCall = firstCall;
    this.guard = firstCall.guard();
    this.deadlineNanos = routeTimeoutNanos > 0 ? first.startNanos() + routeTimeoutNanos : 0;
  }

  /** The attempts of a routed call, or null when its route has no timeout and no retry policy. */
  static SyncAttempts of(MeshRuntime runtime, Decision decision) {
    if (!(decision.callState() instanceof CallState call) || call.routing() == null
        || call.guard() == null) {
      return null;
    }
    Routing routing = call.routing();
    if (!routing.drivesAttempts()) {
      return null;
    }
    return new SyncAttempts(runtime, decision, call, routing.effectiveTimeout().toNanos());
  }

  @Override
  public long attemptTimeoutMillis() {
    long perTry = guard.perTryTimeout().toNanos();
    long limit = perTry > 0 ? perTry : Long.MAX_VALUE;
    if (deadlineNanos != 0) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return -1;
      }
      limit = Math.min(limit, left);
    }
    return limit == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(limit));
  }

  @Override
  public Decision next(Decision attempt, int status, Map<String, List<String>> responseHeaders,
      Throwable error, boolean timedOut, boolean replayable) {
    CallState call = attempt.callState() instanceof CallState c ? c : firstCall;
    long now = System.nanoTime();
    boolean routeExpired = deadlineNanos != 0 && now - deadlineNanos >= 0;
    boolean timeout = status == 0 && (timedOut || routeExpired);
    CallOutcome outcome = timeout ? CallOutcome.TIMEOUT
        : status > 0 ? CallOutcome.response(status) : CallOutcome.failure(error);
    RetryDecision retry;
    try {
      retry = guard.onOutcome(outcome, call.host(),
          responseHeaders == null ? null : new ResponseHeadersView(responseHeaders),
          replayable && !routeExpired, now);
    } catch (RuntimeException e) {
      runtime.failed(e);
      retry = RetryDecision.DONE;
    }
    runtime.report(attempt, call, null, status,
        timeout ? new InterruptedIOException("inmesh: upstream request timeout") : error,
        timeout ? "UT" : null);
    if (retry.retry() && retry.host() != null) {
      if (!backOff(retry.backoffNanos())) {
        // the route timeout expired while waiting: the retry is never sent
        settleAbandoned(retry);
        return timedOutReply();
      }
      Decision next = runtime.retryDecision(firstCall, first, retry.host());
      if (next == null) {
        settleAbandoned(retry);
        return null;
      }
      CallState nextCall = (CallState) next.callState();
      if (nextCall.activeRequests() != null) {
        nextCall.activeRequests().started();
      }
      return next;
    }
    return timeout ? timedOutReply() : null;
  }

  /** Waits the backoff; false when the route timeout expires first. */
  private boolean backOff(long nanos) {
    long until = System.nanoTime() + nanos;
    if (deadlineNanos != 0 && until - deadlineNanos >= 0) {
      LockSupport.parkNanos(Math.max(0, deadlineNanos - System.nanoTime()));
      return false;
    }
    for (long left = nanos; left > 0; left = until - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
    return true;
  }

  private void settleAbandoned(RetryDecision retry) {
    try {
      guard.onOutcome(CallOutcome.CANCELLED, retry.host(), null, false, System.nanoTime());
    } catch (RuntimeException e) {
      runtime.failed(e);
    }
  }

  /** Envoy's answer when the route timeout expires: 504, flag UT. */
  private Decision timedOutReply() {
    LocalReplyServer replies = runtime.replies();
    if (replies == null) {
      return Decision.localReply(null, null, 504, "UT", "upstream request timeout", null);
    }
    String path = replies.register(new LocalReplyServer.LocalReply(504, "UT", new String[0],
        "upstream request timeout"));
    return Decision.localReply(replies.address(), path, 504, "UT", "upstream request timeout",
        null);
  }

  @Override
  public String toString() {
    return "attempts of " + first + (deadlineNanos == 0 ? ""
        : ", route timeout in " + TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())
            + " ms");
  }
}
