package io.inmesh.instrumentation.http.urlconnection;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
      // the route's response header changes, applied to a case-insensitive copy of the parsed
      // headers, then written back name by name (the status line, keyed null, stays first)
      Map<String, List<String>> received = responses.getHeaders();
      Map<String, List<String>> changed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (Map.Entry<String, List<String>> e : received.entrySet()) {
        if (e.getKey() != null) {
          List<String> values = changed.get(e.getKey());
          if (values == null) {
            values = new ArrayList<>();
            changed.put(e.getKey(), values);
          }
          values.addAll(e.getValue());
        }
      }
      decision.responseRewrite().apply(changed);
      for (String name : received.keySet()) {
        if (name != null && !changed.containsKey(name)) {
          responses.remove(name);
        }
      }
      for (Map.Entry<String, List<String>> e : changed.entrySet()) {
        List<String> before = received.get(e.getKey());
        if (!e.getValue().equals(before)) {
          responses.remove(e.getKey());
          for (String value : e.getValue()) {
            responses.add(e.getKey(), value);
          }
        }
      }
    }
    decision.complete(null, status, status > 0 ? null : thrown);
  }
}
