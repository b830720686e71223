package io.inmesh.runtime;

import io.inmesh.api.Decision;
import io.inmesh.api.PendingRetry;
import io.inmesh.policies.CallGuard;
import io.inmesh.policies.RetryDecision;
import io.inmesh.policies.Routing;
import io.inmesh.policies.cluster.Host;
import io.inmesh.policies.outcome.CallOutcome;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The route's timeout, per-try timeout and retries for one call of the JDK
 * {@code java.net.http.HttpClient}, as Envoy's router applies them (see the attempt loop in
 * {@link Routing}). The advice hands over the first attempt's future; this class gives the
 * application another future and completes it with the last attempt's response or failure.
 *
 * <ul>
 *   <li>Attempts after the first are sent with the same client, request (the one actually sent,
 *       with the route's changes) and body handler; {@link PendingRetry} tells the advice the
 *       attempt is already decided (the retry's host) and reported here.</li>
 *   <li>Each attempt's end is reported exactly once: to the guard (with {@code mayRetry}) and to
 *       {@link MeshRuntime#report} (active requests, telemetry).</li>
 *   <li>Route timeout (from the decision): the attempt in flight is cancelled and the application
 *       gets a real HTTP 504 with flag {@code UT}, answered by the local reply server. A per-try
 *       timeout cancels the attempt, which counts as a TIMEOUT outcome (retried per
 *       {@code retry_on}; the last one answers 504 UT too).</li>
 *   <li>Replay rule: a request without a body, or with one of the JDK's own publishers of known
 *       length ({@code ofString}, {@code ofByteArray}, {@code noBody}, {@code ofFile}) is
 *       replayable; anything else ({@code ofInputStream}, {@code fromPublisher},
 *       {@code ofByteArrays}) is sent once ({@code mayRetry} false).</li>
 *   <li>Backoffs and timeouts run on one daemon timer; no client thread ever waits.</li>
 * </ul>
 */
final class ResilientJdkCall {

  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final MeshRuntime runtime;
  private final HttpClient client;
  private final HttpRequest request;
  @SuppressWarnings("rawtypes")
  private final HttpResponse.BodyHandler handler;
  private final Decision firstDecision;
  private final CallState firstCall;
  private final CallGuard guard;
  private final boolean replayable;
  private final CompletableFuture<Object> result = new CompletableFuture<>();

  // guarded by this
  private boolean timedOut;
  private boolean finished;
  private Attempt current;
  private ScheduledFuture<?> pendingRetry;
  private Host pendingRetryHost;
  private ScheduledFuture<?> routeTimer;

  /** One attempt: its decision (for reporting), host (for the guard) and future. */
  private static final class Attempt {
    final Decision decision;
    final CallState call;
    final Host host;
    volatile CompletableFuture<?> future;
    volatile boolean expired;
    volatile ScheduledFuture<?> perTryTimer;
    final AtomicBoolean ended = new AtomicBoolean();

    Attempt(Decision decision, CallState call, Host host) {
      this.decision = decision;
      this.call = call;
      this.host = host;
    }
  }

  private ResilientJdkCall(MeshRuntime runtime, HttpClient client, HttpRequest request,
      HttpResponse.BodyHandler<?> handler, Decision decision, CallState call) {
    this.runtime = runtime;
    this.client = client;
    this.request = request;
    this.handler = handler;
    this.firstDecision = decision;
    this.firstCall = call;
    this.guard = call.guard();
    this.replayable = replayable(request);
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread thread = new Thread(r, "inmesh-retry-timer");
      thread.setDaemon(true);
      return thread;
    });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /**
   * Takes the call over when its route has a timeout or a retry policy; otherwise returns
   * {@code first} (the advice then reports the call as before).
   */
  static CompletableFuture<?> start(MeshRuntime runtime, Decision decision, Object client,
      Object request, Object bodyHandler, CompletableFuture<?> first) {
    if (!(decision.callState() instanceof CallState call) || call.routing() == null
        || call.guard() == null || !(client instanceof HttpClient c)
        || !(request instanceof HttpRequest r)
        || !(bodyHandler instanceof HttpResponse.BodyHandler<?> h)) {
      return first;
    }
    Routing routing = call.routing();
    if (!routing.drivesAttempts()) {
      return first;
    }
    ResilientJdkCall resilient = new ResilientJdkCall(runtime, c, r, h, decision, call);
    resilient.begin(first, routing.effectiveTimeout().toNanos());
    return resilient.result;
  }

  private void begin(CompletableFuture<?> first, long routeTimeoutNanos) {
    Attempt a = new Attempt(firstDecision, firstCall, firstCall.host());
    a.future = first;
    synchronized (this) {
      current = a;
      if (routeTimeoutNanos > 0) {
        long left = routeTimeoutNanos - (System.nanoTime() - firstDecision.startNanos());
        routeTimer = TIMER.schedule(this::onRouteTimeout, Math.max(0, left),
            TimeUnit.NANOSECONDS);
      }
    }
    result.whenComplete((r, t) -> {
      if (result.isCancelled()) {
        onApplicationCancel();
      }
    });
    armPerTry(a);
    first.whenComplete((r, t) -> attemptEnded(a, r, t));
  }

  private void armPerTry(Attempt a) {
    long perTry = guard.perTryTimeout().toNanos();
    if (perTry <= 0) {
      return;
    }
    a.perTryTimer = TIMER.schedule(() -> {
      a.expired = true;
      CompletableFuture<?> f = a.future;
      if (f != null) {
        f.cancel(true);
      }
    }, perTry, TimeUnit.NANOSECONDS);
  }

  private void attemptEnded(Attempt a, Object response, Throwable error) {
    if (!a.ended.compareAndSet(false, true)) {
      return;
    }
    ScheduledFuture<?> perTry = a.perTryTimer;
    if (perTry != null) {
      perTry.cancel(false);
    }
    boolean routeExpired;
    synchronized (this) {
      routeExpired = timedOut;
      if (current == a) {
        current = null;
      }
    }
    HttpResponse<?> resp = response instanceof HttpResponse<?> r ? r : null;
    // a response that made it wins over a timer that fired at the same moment
    boolean timeout = resp == null && (routeExpired || a.expired);
    CallOutcome outcome = timeout ? CallOutcome.TIMEOUT
        : resp != null ? CallOutcome.response(resp.statusCode()) : CallOutcome.failure(error);
    boolean mayRetry = !routeExpired && replayable && !result.isDone();
    RetryDecision next;
    try {
      next = guard.onOutcome(outcome, a.host, resp == null ? null : new ResponseHeadersView(resp.headers().map()),
          mayRetry, System.nanoTime());
    } catch (RuntimeException e) {
      runtime.failed(e);
      next = RetryDecision.DONE;
    }
    if (a.decision != null) {
      runtime.report(a.decision, a.call, resp, 0,
          timeout ? new HttpTimeoutException("inmesh: upstream request timeout") : error,
          timeout ? "UT" : null);
    }
    if (next.retry() && next.host() != null) {
      discard(resp);
      scheduleRetry(next);
    } else if (resp != null) {
      finish();
      result.complete(resp);
    } else if (timeout) {
      answerTimeout();
    } else {
      finish();
      result.completeExceptionally(error);
    }
  }

  private void scheduleRetry(RetryDecision next) {
    boolean abort;
    synchronized (this) {
      abort = timedOut || finished;
      if (!abort) {
        pendingRetryHost = next.host();
        pendingRetry = TIMER.schedule(() -> sendRetry(next), next.backoffNanos(),
            TimeUnit.NANOSECONDS);
      }
    }
    if (abort) {
      abandonRetry(next.host());
    }
  }

  private void sendRetry(RetryDecision next) {
    boolean abort;
    synchronized (this) {
      pendingRetry = null;
      pendingRetryHost = null;
      abort = timedOut || finished || result.isDone();
    }
    if (abort) {
      abandonRetry(next.host());
      return;
    }
    Decision decision = runtime.retryDecision(firstCall, firstDecision, next.host());
    if (decision == null) {
      attemptEnded(new Attempt(null, null, next.host()), null,
          new ConnectException("inmesh: endpoint " + next.host().endpoint().address()
              + " does not resolve"));
      return;
    }
    CallState call = (CallState) decision.callState();
    if (call.activeRequests() != null) {
      call.activeRequests().started();
    }
    Attempt a = new Attempt(decision, call, next.host());
    synchronized (this) {
      current = a;
    }
    CompletableFuture<?> f;
    PendingRetry.set(decision);
    try {
      f = send(request);
    } catch (Throwable e) {
      f = CompletableFuture.failedFuture(e);
    } finally {
      PendingRetry.clear();
    }
    a.future = f;
    boolean cancel;
    synchronized (this) {
      cancel = timedOut; // the route timer fired before the future was known
    }
    armPerTry(a);
    f.whenComplete((r, t) -> attemptEnded(a, r, t));
    if (cancel) {
      f.cancel(true);
    }
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<?> send(HttpRequest r) {
    return client.sendAsync(r, handler);
  }

  /** A retry the guard granted but that is never sent: the call ends there. */
  private void abandonRetry(Host host) {
    try {
      guard.onOutcome(CallOutcome.CANCELLED, host, null, false, System.nanoTime());
    } catch (RuntimeException e) {
      runtime.failed(e);
    }
    boolean expired;
    synchronized (this) {
      expired = timedOut;
    }
    if (expired) {
      answerTimeout();
    } else {
      finish();
    }
  }

  private void onRouteTimeout() {
    Attempt a;
    ScheduledFuture<?> retry;
    Host retryHost;
    synchronized (this) {
      if (finished) {
        return;
      }
      timedOut = true;
      a = current;
      retry = pendingRetry;
      retryHost = pendingRetryHost;
    }
    if (a != null) {
      CompletableFuture<?> f = a.future;
      if (f != null) {
        f.cancel(true); // the attempt's end answers 504 UT
      }
      return;
    }
    if (retry != null && retry.cancel(false)) {
      abandonRetry(retryHost);
    }
    // otherwise an attempt's end or a retry is running and sees timedOut
  }

  private void onApplicationCancel() {
    Attempt a;
    ScheduledFuture<?> retry;
    Host retryHost;
    synchronized (this) {
      a = current;
      retry = pendingRetry;
      retryHost = pendingRetryHost;
    }
    if (a != null && a.future != null) {
      a.future.cancel(true);
    } else if (retry != null && retry.cancel(false)) {
      abandonRetry(retryHost);
    }
    finish();
  }

  private void finish() {
    ScheduledFuture<?> timer;
    synchronized (this) {
      finished = true;
      timer = routeTimer;
    }
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /** Answers the application as Envoy does when the route timeout expires: 504, flag UT. */
  private void answerTimeout() {
    finish();
    if (result.isDone()) {
      return;
    }
    LocalReplyServer replies = runtime.replies();
    if (replies == null) {
      result.completeExceptionally(
          new HttpTimeoutException("inmesh: 504 UT upstream request timeout"));
      return;
    }
    String path = replies.register(new LocalReplyServer.LocalReply(504, "UT", new String[0],
        "upstream request timeout"));
    InetSocketAddress at = replies.address();
    String ip = at.getAddress().getHostAddress();
    HttpRequest reply = HttpRequest.newBuilder(request, (name, value) -> true)
        .uri(URI.create("http://" + (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":"
            + at.getPort() + path))
        .method(request.method(), HttpRequest.BodyPublishers.noBody())
        .build();
    CompletableFuture<?> f;
    PendingRetry.set(Decision.PASS_THROUGH);
    try {
      f = send(reply);
    } catch (Throwable e) {
      result.completeExceptionally(e);
      return;
    } finally {
      PendingRetry.clear();
    }
    f.whenComplete((r, t) -> {
      if (t != null) {
        result.completeExceptionally(t);
      } else {
        result.complete(r);
      }
    });
  }

  /** Releases a response that is not given to the application (a streaming body). */
  private static void discard(HttpResponse<?> response) {
    if (response != null && response.body() instanceof AutoCloseable body) {
      try {
        body.close();
      } catch (Exception ignored) {
        // discarded anyway
      }
    }
  }

  /** See the class comment: which request bodies may be sent again. */
  static boolean replayable(HttpRequest request) {
    Optional<HttpRequest.BodyPublisher> body = request.bodyPublisher();
    if (body.isEmpty()) {
      return true;
    }
    HttpRequest.BodyPublisher p = body.get();
    String type = p.getClass().getName();
    return p.contentLength() >= 0 && type.startsWith("jdk.internal.net.http.RequestPublishers$")
        && !type.contains("PublisherAdapter") && !type.contains("InputStream");
  }
}
