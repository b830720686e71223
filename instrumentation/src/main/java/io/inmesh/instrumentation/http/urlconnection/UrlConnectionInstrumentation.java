package io.inmesh.instrumentation.http.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.instrumentation.LibraryInstrumentation;
import java.lang.reflect.Modifier;
import java.net.Proxy;
import java.net.URL;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.FieldAccessor;

/**
 * {@code java.net.HttpURLConnection} for {@code http:} URLs (the JDK's
 * {@code sun.net.www.protocol.http.HttpURLConnection}).
 *
 * <p>The connection obtains its transport from {@code sun.net.www.http.HttpClient.New(URL, Proxy,
 * int, boolean, HttpURLConnection)}, which looks up and later returns kept-alive connections by
 * that URL's host and port. Handing it the endpoint's {@code ip:port} URL dials the endpoint and
 * keys keep-alive by endpoint, while the connection's own URL (which writes the request line's
 * path and the {@code Host} header) stays as the application wrote it. {@code https:} goes through
 * {@code HttpsClient.New}: see {@link HttpsUrlConnectionInstrumentation}.
 */
public final class UrlConnectionInstrumentation implements LibraryInstrumentation {

  static final String HTTP_CLIENT = "sun.net.www.http.HttpClient";
  static final String CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
  /** Where the plain client opens its socket, for the mesh's TLS. */
  static final String NETWORK_CLIENT = "sun.net.NetworkClient";
  static final String DECISION_FIELD = "inmeshDecision";

  @Override
  public String name() {
    return "http.urlconnection";
  }

  @Override
  public java.util.Set<String> typeNames() {
    return java.util.Set.of(HTTP_CLIENT, CONNECTION, NETWORK_CLIENT);
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder) {
    return builder.type(named(NETWORK_CLIENT))
        .transform((b, type, loader, module, domain) -> b
            .visit(Advice.to(MeshTlsAdvice.class)
                .on(named("doConnect").and(takesArguments(2))
                    .and(takesArgument(0, String.class)).and(takesArgument(1, int.class)))))
        .type(named(HTTP_CLIENT))
        .transform((b, type, loader, module, domain) -> b
            .visit(Advice.to(NewHttpClientAdvice.class)
                .on(named("New").and(isStatic()).and(takesArguments(5))
                    .and(takesArgument(0, URL.class))
                    .and(takesArgument(1, Proxy.class)))))
        // The connection carries its call's decision until the response reports the outcome.
        .type(named(CONNECTION))
        .transform((b, type, loader, module, domain) -> b
            .defineField(DECISION_FIELD, Decision.class, Modifier.PRIVATE | Modifier.VOLATILE)
            .implement(DecisionCarrier.class)
            .intercept(FieldAccessor.ofField(DECISION_FIELD))
            .visit(Advice.to(RequestHeadersAdvice.class)
                .on(named("writeRequests").and(takesArguments(0))))
            .visit(Advice.to(ResponseAdvice.class)
                .on(named("getInputStream").and(takesArguments(0)))));
  }
}
