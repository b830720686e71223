package io.inmesh.instrumentation.http.reactornetty;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inmesh.api.Decision;
import io.inmesh.api.DecisionCarrier;
import io.inmesh.instrumentation.LibraryAdvice;
import io.inmesh.instrumentation.LibraryGuard;
import io.inmesh.instrumentation.LibraryInstrumentation;
import java.lang.reflect.Modifier;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.implementation.FieldAccessor;

/**
 * Reactor Netty's {@code reactor.netty.http.client.HttpClient} 1.0+ (and so Spring's
 * {@code WebClient} on {@code ReactorClientHttpConnector}).
 *
 * <p>Hooked at {@code HttpClientConnect.HttpClientHandler.get()}: each request has its own handler,
 * and the handler is the {@code Supplier<SocketAddress>} the connection provider asks, on every
 * connect attempt (retries and redirects included), for the address to acquire a connection for.
 * The address it returns is replaced by the endpoint's, resolved and carrying the application's
 * host name: the connection provider keys its pools by that address and its host name (so
 * kept-alive connections follow the endpoint), Netty's resolver leaves a resolved address alone (no
 * DNS), and TLS takes SNI and the peer host for hostname verification from the host name. The
 * {@code Host} header comes from the request's URI, so it stays the application's.
 *
 * <p>The call's decision travels with the request (see {@link OutcomeAdvice}): the response head
 * reports the status and gets the route's response header changes.
 *
 * <p>The route's request changes and a local reply's path are applied to the request head right
 * before it is written ({@link RequestChangesAdvice}), when all its headers are set.
 *
 * <p>What this hook point cannot do: the connection is chosen before the request's own headers exist
 * (a {@code send} callback, which is where {@code WebClient} puts them, runs on the connection), so
 * only headers configured on the {@code HttpClient} ({@code headers(...)}) take part in routing
 * decisions; and a local reply for {@code https:} fails the call with the mesh's message (the reply
 * server speaks plain HTTP).
 */
public final class ReactorNettyHttpClientInstrumentation implements LibraryInstrumentation {

  static final String HANDLER = "reactor.netty.http.client.HttpClientConnect$HttpClientHandler";
  static final String OPERATIONS = "reactor.netty.http.client.HttpClientOperations";
  /** Sets up each new channel's pipeline: where the mesh's TLS goes ({@link ChannelTlsAdvice}). */
  static final String CHANNEL_INITIALIZER =
      "reactor.netty.http.client.HttpClientConfig$HttpClientChannelInitializer";
  static final String DECISION_FIELD = "inmeshDecision";
  /** Present from 1.0 on (0.9 had {@code reactor.netty.tcp.ProxyProvider}). */
  static final String MARKER = "reactor.netty.transport.ProxyProvider";

  @Override
  public String name() {
    return "http.reactor-netty";
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(HANDLER, OPERATIONS, CHANNEL_INITIALIZER);
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder) {
    return builder
        .type(new LibraryGuard(name(), "Reactor Netty 1.0+",
            namedOneOf(HANDLER, OPERATIONS, CHANNEL_INITIALIZER), MARKER))
        // both carry the call's decision: the handler from routing to the request's write, the
        // operations from there to the response head
        .transform((b, type, loader, module, domain) -> type.getName().equals(CHANNEL_INITIALIZER)
            ? b
            : b.defineField(DECISION_FIELD, Decision.class, Modifier.PRIVATE | Modifier.VOLATILE)
                .implement(DecisionCarrier.class)
                .intercept(FieldAccessor.ofField(DECISION_FIELD)))
        .transform(LibraryAdvice.of(ReactorNettyHttpClientInstrumentation.class)
            .advice(named("get").and(takesArguments(0)).and(returns(named("java.net.SocketAddress"))),
                "io.inmesh.instrumentation.http.reactornetty.RemoteAddressAdvice")
            .advice(named("requestWithBody").and(takesArguments(1)),
                "io.inmesh.instrumentation.http.reactornetty.OutcomeAdvice$ToOperations")
            .advice(named("onChannelInit").and(takesArguments(3)),
                "io.inmesh.instrumentation.http.reactornetty.ChannelTlsAdvice")
            .advice(named("beforeMarkSentHeaders").and(takesArguments(0)),
                "io.inmesh.instrumentation.http.reactornetty.RequestChangesAdvice")
            .advice(named("onInboundNext").and(takesArguments(2)),
                "io.inmesh.instrumentation.http.reactornetty.OutcomeAdvice$ResponseHead")
            .advice(named("onInboundClose").and(takesArguments(0))
                .or(named("onInboundCancel").and(takesArguments(0)))
                .or(named("onOutboundError").and(takesArguments(1))),
                "io.inmesh.instrumentation.http.reactornetty.OutcomeAdvice$EndedEarly"));
  }
}
