package io.inmesh.instrumentation.http.jdk;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.instrumentation.LibraryInstrumentation;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpRequest;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.FieldAccessor;

/**
 * {@code java.net.http.HttpClient} (send and sendAsync, HTTP/1.1 and HTTP/2).
 *
 * <p>Every exchange asks its internal request {@code HttpRequestImpl.getAddress()} where to connect;
 * the connection pools (HTTP/1.1 and HTTP/2) key on that address too, so answering it with the
 * chosen endpoint both dials the endpoint and keeps a kept-alive connection to one endpoint from
 * carrying a call routed to another. The request's URI is left alone, so the {@code Host} header,
 * the request line and TLS server name are those the application wrote. The decision is taken once
 * per request object and kept in a field the agent adds; redirects and retries create new request
 * objects and are routed afresh. The call is decided where the application hands it over
 * ({@code sendAsync}), which is also where the route's request changes are applied. A cluster
 * that requires TLS gets it under an {@code http://} URI through {@link TlsAdvice}.
 */
public final class JdkHttpClientInstrumentation implements LibraryInstrumentation {

  static final String REQUEST_IMPL = "jdk.internal.net.http.HttpRequestImpl";
  static final String CLIENT_IMPL = "jdk.internal.net.http.HttpClientImpl";
  static final String DECISION_FIELD = "inmeshDecision";
  static final String CONNECTION = "jdk.internal.net.http.HttpConnection";
  static final String SSL_CONNECTION = "jdk.internal.net.http.AbstractAsyncSSLConnection";

  @Override
  public String name() {
    return "http.jdk";
  }

  @Override
  public java.util.Set<String> typeNames() {
    return java.util.Set.of(REQUEST_IMPL, CLIENT_IMPL, CONNECTION, SSL_CONNECTION);
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder) {
    return builder.type(named(REQUEST_IMPL))
        .transform((b, type, loader, module, domain) -> b
            .defineField(DECISION_FIELD, Decision.class, Modifier.PRIVATE | Modifier.VOLATILE)
            .implement(DecisionCarrier.class)
            .intercept(FieldAccessor.ofField(DECISION_FIELD))
            .visit(Advice.to(GetAddressAdvice.class)
                .on(named("getAddress").and(takesArguments(0))
                    .and(returns(InetSocketAddress.class))))
            .visit(Advice.to(RequestImplAdvice.class)
                .on(isConstructor().and(takesArguments(HttpRequest.class, ProxySelector.class))))
            .visit(Advice.to(TlsAdvice.Secure.class)
                .on(named("secure").and(takesArguments(0)).and(returns(boolean.class)))))
        .type(named(CONNECTION))
        .transform((b, type, loader, module, domain) -> b
            .visit(Advice.to(TlsAdvice.GetConnection.class)
                .on(named("getConnection").and(isStatic()).and(takesArguments(4))
                    .and(takesArgument(0, InetSocketAddress.class))
                    .and(takesArgument(2, named(REQUEST_IMPL))))))
        .type(named(SSL_CONNECTION))
        .transform((b, type, loader, module, domain) -> b
            .visit(Advice.to(TlsAdvice.CreateEngine.class)
                .on(named("createEngine").and(isStatic()).and(takesArguments(4))
                    .and(takesArgument(0, SSLContext.class))
                    .and(takesArgument(3, SSLParameters.class)))))
        .type(named(CLIENT_IMPL))
        .transform((b, type, loader, module, domain) -> b
            .visit(Advice.to(SendAsyncAdvice.class)
                .on(named("sendAsync").and(takesArguments(4))
                    .and(takesArgument(0, HttpRequest.class))
                    .and(takesArgument(3, Executor.class))))
            .visit(Advice.to(SendAdvice.class)
                .on(named("send").and(takesArguments(2))
                    .and(takesArgument(0, HttpRequest.class)))));
  }
}
