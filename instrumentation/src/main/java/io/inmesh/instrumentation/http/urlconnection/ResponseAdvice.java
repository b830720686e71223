package io.inmesh.instrumentation.http.urlconnection;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code sun.net.www.protocol.http.HttpURLConnection.getInputStream()}, through which
 * {@code getResponseCode()} and every read of the response go: once the response's status line is
 * in (or the call failed), the outcome of the call's decision is reported, once.
 */
public final class ResponseAdvice {

  private ResponseAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.This Object self,
      @Advice.FieldValue("responseCode") int responseCode, @Advice.Thrown Throwable thrown) {
    if (!(self instanceof DecisionCarrier)) {
      return;
    }
    Decision decision = ((DecisionCarrier) self).inmeshDecision();
    if (decision != null) {
      decision.complete(null, responseCode > 0 ? responseCode : 0, thrown);
    }
  }
}
