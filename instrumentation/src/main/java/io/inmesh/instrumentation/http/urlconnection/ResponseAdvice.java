package io.inmesh.instrumentation.http.urlconnection;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.api.ResponseHeaderChanges;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import sun.net.www.MessageHeader;

/**
 * Inlined into {@code sun.net.www.protocol.http.HttpURLConnection.getInputStream()}, through which
 * {@code getResponseCode()} and every read of the response go: once the response is in (or the
 * call failed), the route's response header changes are applied to the parsed headers and the
 * outcome of the call's decision is reported, once. The decision is taken off
 * the connection first, so the status lookup below (which re-enters this method) reports nothing.
 */
public final class ResponseAdvice {

  private ResponseAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown,
      @Advice.FieldValue("responses") MessageHeader responses) {
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
    if (status > 0 && responses != null && decision.responseRewrite() != null) {
      // the route's response header changes, written back name by name (the status line, keyed
      // null, stays first)
      Map<String, List<String>> received = ResponseHeaderChanges.newHeaderMap();
      for (Map.Entry<String, List<String>> e : responses.getHeaders().entrySet()) {
        if (e.getKey() != null) {
          for (String value : e.getValue()) {
            ResponseHeaderChanges.put(received, e.getKey(), value);
          }
        }
      }
      for (Map.Entry<String, List<String>> e
          : ResponseHeaderChanges.of(decision, received).entrySet()) {
        responses.remove(e.getKey());
        for (String value : e.getValue()) {
          responses.add(e.getKey(), value);
        }
      }
    }
    decision.complete(null, status, status > 0 ? null : thrown);
  }
}
