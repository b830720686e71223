package io.inmesh.instrumentation.http.reactornetty;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.api.ResponseHeaderChanges;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.bytebuddy.asm.Advice;

/**
 * How a routed Reactor Netty request ended, reported to its decision once: the decision moves from
 * the request's handler to the connection's request operations when the request is written
 * ({@link ToOperations}), and is taken off there by the response head (its status, and the route's
 * response header changes applied to it), or by the connection closing or failing first. The
 * calls are admitted without counting as active requests ({@code reportsOutcome} false): a request
 * whose connection is never acquired ends in Reactor's publishers, which the agent does not see.
 * References only the bootstrap API, Netty and the JDK; no lambdas.
 */
public final class OutcomeAdvice {

  private OutcomeAdvice() {}

  /** {@code HttpClientHandler.requestWithBody(HttpClientOperations)}. */
  public static final class ToOperations {

    private ToOperations() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object handler, @Advice.Argument(0) Object operations) {
      if (handler instanceof DecisionCarrier && operations instanceof DecisionCarrier) {
        DecisionCarrier from = (DecisionCarrier) handler;
        Decision decision = from.inmeshDecision();
        if (decision != null) {
          from.inmeshDecision(null);
          ((DecisionCarrier) operations).inmeshDecision(decision);
        }
      }
    }
  }

  /** {@code HttpClientOperations.onInboundNext(ChannelHandlerContext, Object)}. */
  public static final class ResponseHead {

    private ResponseHead() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object operations, @Advice.Argument(1) Object message) {
      if (!(message instanceof HttpResponse) || !(operations instanceof DecisionCarrier)) {
        return;
      }
      HttpResponse response = (HttpResponse) message;
      int status = response.status().code();
      DecisionCarrier carrier = (DecisionCarrier) operations;
      Decision decision = carrier.inmeshDecision();
      if (decision == null || status == 100) {
        return;
      }
      carrier.inmeshDecision(null);
      if (decision.responseRewrite() != null) {
        HttpHeaders headers = response.headers();
        Map<String, List<String>> received = ResponseHeaderChanges.newHeaderMap();
        Iterator<Map.Entry<String, String>> it = headers.iteratorAsString();
        while (it.hasNext()) {
          Map.Entry<String, String> h = it.next();
          ResponseHeaderChanges.put(received, h.getKey(), h.getValue());
        }
        for (Map.Entry<String, List<String>> e
            : ResponseHeaderChanges.of(decision, received).entrySet()) {
          headers.remove(e.getKey());
          for (String value : e.getValue()) {
            headers.add(e.getKey(), value);
          }
        }
      }
      decision.complete(null, status, null);
    }
  }

  /**
   * {@code onInboundClose()}, {@code onInboundCancel()} and {@code onOutboundError(Throwable)}:
   * the exchange ended before a response head.
   */
  public static final class EndedEarly {

    private EndedEarly() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object operations,
        @Advice.AllArguments Object[] arguments) {
      if (!(operations instanceof DecisionCarrier)) {
        return;
      }
      DecisionCarrier carrier = (DecisionCarrier) operations;
      Decision decision = carrier.inmeshDecision();
      if (decision == null) {
        return;
      }
      carrier.inmeshDecision(null);
      Throwable error = arguments.length == 1 && arguments[0] instanceof Throwable
          ? (Throwable) arguments[0]
          : new IOException("connection closed before the response");
      decision.complete(null, 0, error);
    }
  }
}
