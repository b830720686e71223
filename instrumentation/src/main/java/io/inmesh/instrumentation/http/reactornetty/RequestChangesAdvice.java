package io.inmesh.instrumentation.http.reactornetty;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.api.RequestMutation;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code HttpClientOperations.beforeMarkSentHeaders()}, which runs once per request
 * right before its head is written, after every header (a {@code send} callback's, e.g.
 * {@code WebClient}'s, included) is set: a local reply gets the reply server's path, a routed call
 * the route's path, {@code Host} and header changes. References only the bootstrap API, Netty and
 * the JDK; no lambdas.
 */
public final class RequestChangesAdvice {

  private RequestChangesAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.This Object operations,
      @Advice.FieldValue("nettyRequest") HttpRequest request) {
    if (request == null || !(operations instanceof DecisionCarrier)) {
      return;
    }
    Decision decision = ((DecisionCarrier) operations).inmeshDecision();
    if (decision == null) {
      return;
    }
    if (decision.isLocalReply()) {
      request.setUri(decision.replyPath());
      return;
    }
    RequestMutation mutation = decision.mutation();
    if (mutation == null) {
      return;
    }
    if (mutation.pathAndQuery() != null) {
      request.setUri(mutation.pathAndQuery());
    }
    HttpHeaders headers = request.headers();
    List<String> names = new ArrayList<String>(headers.names());
    for (String name : names) {
      if (mutation.replaces(name)) {
        headers.remove(name);
      }
    }
    if (mutation.authority() != null) {
      headers.set("Host", mutation.authority());
    }
    for (int i = 0; i < mutation.setCount(); i++) {
      headers.set(mutation.setName(i), mutation.setValue(i));
    }
    for (int i = 0; i < mutation.appendCount(); i++) {
      headers.add(mutation.appendName(i), mutation.appendValue(i));
    }
  }
}
