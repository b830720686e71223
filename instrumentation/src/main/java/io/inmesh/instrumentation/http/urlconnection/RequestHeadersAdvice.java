package io.inmesh.instrumentation.http.urlconnection;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.api.RequestMutation;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.asm.Advice;
import sun.net.www.MessageHeader;

/**
 * Inlined into {@code sun.net.www.protocol.http.HttpURLConnection.writeRequests()}: before the
 * connection adds its standard headers (each only if not set), the route's request changes are
 * applied to the headers the application set: removals, replacements, additions and a rewritten
 * {@code Host}, which the application itself could not set (a restricted header). The public
 * setters cannot be used here: the connection is already connecting.
 */
public final class RequestHeadersAdvice {

  private RequestHeadersAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.This Object self,
      @Advice.FieldValue("setRequests") boolean alreadySet,
      @Advice.FieldValue("requests") MessageHeader requests) {
    if (alreadySet || requests == null || !(self instanceof DecisionCarrier)) {
      return;
    }
    Decision decision = ((DecisionCarrier) self).inmeshDecision();
    RequestMutation mutation = decision == null ? null : decision.mutation();
    if (mutation == null) {
      return;
    }
    List<String> names = new ArrayList<>(requests.getHeaders().keySet());
    for (String name : names) {
      if (name != null && mutation.replaces(name)) {
        requests.remove(name);
      }
    }
    if (mutation.authority() != null) {
      requests.set("Host", mutation.authority());
    }
    for (int i = 0; i < mutation.setCount(); i++) {
      requests.set(mutation.setName(i), mutation.setValue(i));
    }
    for (int i = 0; i < mutation.appendCount(); i++) {
      requests.add(mutation.appendName(i), mutation.appendValue(i));
    }
  }
}
