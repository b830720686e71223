package io.inmesh.instrumentation.http.jdk;

import io.inmesh.api.CallCompletion;
import io.inmesh.api.BlockingCall;
import io.inmesh.api.Decision;
import io.inmesh.api.Mesh;
import io.inmesh.api.MeshRequest;
import io.inmesh.api.PendingDecision;
import io.inmesh.api.PendingRetry;
import io.inmesh.api.RequestMutation;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.CompletableFuture;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code HttpClientImpl.sendAsync(HttpRequest, BodyHandler, PushPromiseHandler,
 * Executor)}, which every {@code send} and {@code sendAsync} goes through. Decides the call once,
 * applies the route's request changes by copying the request (the application's request objects
 * are immutable), sends a local reply to the agent's reply server, and hands the decision to the
 * internal request the client creates next on this thread ({@link RequestImplAdvice}). A routed
 * call's returned future is handed to {@link Mesh#resilient}, which enforces the route's timeout,
 * per-try timeout and retries by re-sending attempts through this method ({@link PendingRetry}).
 * References only the bootstrap API and the JDK; no lambdas (inlined code cannot call them).
 */
public final class SendAsyncAdvice {

  private SendAsyncAdvice() {}

  /** Returns the decision whose outcome the exit reports, or null. */
  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static Decision enter(@Advice.Argument(value = 0, readOnly = false) HttpRequest request) {
    PendingDecision.clear();
    Decision attempt = PendingRetry.take();
    if (attempt != null) {
      // An attempt the runtime re-sends (a retry, or the route timeout's 504): already decided,
      // and the runtime reports it; nothing to wrap.
      PendingDecision.set(attempt);
      return null;
    }
    if (request == null || !Mesh.active()) {
      return null;
    }
    URI uri = request.uri();
    if (uri == null || uri.getHost() == null) {
      return null;
    }
    String scheme = uri.getScheme();
    String query = uri.getRawQuery();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    Decision decision = Mesh.outbound(new MeshRequest(MeshRequest.HTTP, scheme, uri.getHost(),
        MeshRequest.portOrDefault(uri.getPort(), scheme),
        query == null ? path : path + "?" + query, request.method(), request.headers().map(),
        MeshRequest.REPORTS_OUTCOME | MeshRequest.OPENS_MESH_TLS
            | (BlockingCall.active() ? MeshRequest.MAY_WAIT : 0)));
    if (decision == null) {
      PendingDecision.set(Decision.PASS_THROUGH);
      return null;
    }
    if (decision.isLocalReply() && !decision.rejected()) {
      // Plain HTTP to the loopback reply server, which answers as Envoy would.
      request = HttpRequest.newBuilder(request, new io.inmesh.api.HeaderFilter())
          .uri(URI.create("http://" + decision.endpointAuthority() + decision.replyPath()))
          .build();
      PendingDecision.set(Decision.PASS_THROUGH);
      return decision;
    }
    RequestMutation mutation = decision.mutation();
    if (mutation != null) {
      HttpRequest.Builder copy = HttpRequest.newBuilder(request, mutation);
      String pathAndQuery = mutation.pathAndQuery();
      String authority = mutation.authority();
      if (pathAndQuery != null || authority != null) {
        String target = scheme + "://" + (authority != null ? authority : uri.getRawAuthority())
            + (pathAndQuery != null ? pathAndQuery : (query == null ? path : path + "?" + query));
        copy.uri(URI.create(target));
      }
      for (int i = 0; i < mutation.setCount(); i++) {
        try {
          copy.setHeader(mutation.setName(i), mutation.setValue(i));
        } catch (IllegalArgumentException restricted) {
          // a header the JDK client does not let applications set (e.g. connection)
        }
      }
      for (int i = 0; i < mutation.appendCount(); i++) {
        try {
          copy.header(mutation.appendName(i), mutation.appendValue(i));
        } catch (IllegalArgumentException restricted) {
          // as above
        }
      }
      request = copy.build();
    }
    PendingDecision.set(decision);
    return decision;
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void exit(@Advice.Enter Decision decision, @Advice.This Object self,
      @Advice.Argument(0) HttpRequest request, @Advice.Argument(1) Object bodyHandler,
      @Advice.Return(readOnly = false) CompletableFuture future, @Advice.Thrown Throwable thrown) {
    PendingDecision.clear();
    if (decision == null) {
      return;
    }
    if (future == null) {
      decision.complete(null, 0, thrown);
      return;
    }
    CompletableFuture resilient = decision.isLocalReply() ? future
        : Mesh.resilient(decision, self, request, bodyHandler, future);
    if (resilient == future) {
      future.whenComplete(new CallCompletion(decision));
    } else {
      // the runtime sends the retries and enforces the timeouts, and reports every attempt
      future = resilient;
    }
    if (decision.responseRewrite() != null) {
      future = future.thenApply(decision.responseRewrite());
    }
  }
}
