package io.inmesh.instrumentation.http.jdk;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.api.PendingDecision;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the constructor {@code HttpRequestImpl(HttpRequest, ProxySelector)} that
 * {@code sendAsync} calls: the internal request takes the decision {@link SendAsyncAdvice} made.
 */
public final class RequestImplAdvice {

  private RequestImplAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.This Object self) {
    Decision decision = PendingDecision.take();
    if (decision != null && self instanceof DecisionCarrier) {
      ((DecisionCarrier) self).inmeshDecision(decision);
    }
  }
}
