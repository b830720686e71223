package io.inmesh.instrumentation.http.urlconnection;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import java.net.HttpURLConnection;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.net.www.protocol.http.HttpURLConnection.getInputStream()}, through which
 * {@code getResponseCode()} and every read of the response go: once the response is in (or the
 * call failed), the outcome of the call's decision is reported, once. The decision is taken off
 * the connection first, so the status lookup below (which re-enters this method) reports nothing.
 */
public final class ResponseAdvice {

  private ResponseAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
    if (!(self instanceof DecisionCarrier)) {
      return;
    }
    DecisionCarrier carrier = (DecisionCarrier) self;
    Decision decision = carrier.inmeshDecision();
    if (decision == null) {
      return;
    }
    carrier.inmeshDecision(null);
    int status = 0;
    try {
      // parsed from the status line; -1 when there is no response
      status = Math.max(0, ((HttpURLConnection) self).getResponseCode());
    } catch (Exception noResponse) {
      status = 0;
    }
    decision.complete(null, status, status > 0 ? null : thrown);
  }
}
