package io.inmesh.instrumentation.http.apache5async;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inmesh.instrumentation.HelperClasses;
import io.inmesh.instrumentation.LibraryAdvice;
import io.inmesh.instrumentation.LibraryGuard;
import io.inmesh.instrumentation.LibraryInstrumentation;
import io.inmesh.instrumentation.http.apache5.ApacheHttpClient5Instrumentation;
import java.net.SocketAddress;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Apache HttpClient 5.4+ async ({@code HttpAsyncClients.createDefault()}, {@code custom()},
 * {@code createHttp2Default()} and everything built on them, e.g. Spring's
 * {@code HttpComponentsClientHttpConnector}).
 *
 * <p>Hooked at {@code InternalHttpAsyncClient.determineRoute(HttpHost, HttpRequest,
 * HttpClientContext)} (and {@code InternalH2AsyncClient}'s), which {@code doExecute} calls once per
 * request, after the request producer handed over the request and before the route is fixed for
 * the exchange and the request copied into the exec chain. {@code doExecute} itself is no good
 * hook: the request is produced inside it, in a callback. It is the classic client's trick: the
 * target becomes {@code HttpHost(scheme, endpointIp, applicationHost, endpointPort)}; the
 * connection operator dials the host's address (no DNS), the pool keys routes (and so kept-alive
 * connections, HTTP/1.1 or HTTP/2) by a host that includes that address, and TLS uses the host name
 * for SNI and hostname verification. The request keeps its authority, so the {@code Host} header is
 * the application's.
 *
 * <p>{@code doExecute} (in {@code InternalAbstractHttpAsyncClient}) wraps the application's response
 * consumer, so that a routed exchange reports how it ended and gets the route's response header
 * changes ({@link MeshResponseConsumer}).
 *
 * <p>The HTTP/2 client's session pool dials through {@code MultihomeIOSessionRequester} without an
 * address, which would resolve the target's host name: there the target's address is used instead
 * ({@link DialHostAddressAdvice}).
 *
 * <p>Before 5.4 the method had no request argument ({@code determineRoute(HttpHost,
 * HttpClientContext)}), so header routing could not be done there; those versions are left alone.
 */
public final class ApacheHttpAsyncClient5Instrumentation implements LibraryInstrumentation {

  static final String HTTP1_CLIENT = "org.apache.hc.client5.http.impl.async.InternalHttpAsyncClient";
  static final String H2_CLIENT = "org.apache.hc.client5.http.impl.async.InternalH2AsyncClient";
  /** Present from 5.4 on, the release whose determineRoute takes the request. */
  static final String MARKER = "org.apache.hc.client5.http.EndpointInfo";
  static final String HOST = "org.apache.hc.core5.http.HttpHost";
  /** Where both clients' {@code doExecute} lives. */
  static final String BASE_CLIENT =
      "org.apache.hc.client5.http.impl.async.InternalAbstractHttpAsyncClient";
  /** Receives each new HTTP/1.1 session: where the mesh's TLS starts ({@code SessionTlsAdvice}). */
  static final String SESSION_CALLBACK =
      "org.apache.hc.client5.http.impl.nio.DefaultAsyncClientConnectionOperator$1";
  /** Dials the HTTP/2 client's connections. */
  static final String DIALLER = "org.apache.hc.client5.http.impl.nio.MultihomeIOSessionRequester";

  private static final HelperClasses HELPERS =
      new HelperClasses("io.inmesh.instrumentation.http.apache5async.MeshResponseConsumer",
          "io.inmesh.instrumentation.http.apache5async.MeshTlsEndpoints");

  @Override
  public String name() {
    return "http.apache5.async";
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(HTTP1_CLIENT, H2_CLIENT, BASE_CLIENT, DIALLER, SESSION_CALLBACK);
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder) {
    return builder
        .type(new LibraryGuard(name(), "Apache HttpClient 5.4+ async",
            namedOneOf(HTTP1_CLIENT, H2_CLIENT, BASE_CLIENT, DIALLER, SESSION_CALLBACK), MARKER,
            HOST))
        .transform((b, type, loader, module, domain) -> {
          ApacheHttpClient5Instrumentation.HELPERS.injectInto(loader);
          HELPERS.injectInto(loader);
          return b;
        })
        .transform(LibraryAdvice.of(ApacheHttpAsyncClient5Instrumentation.class)
            .advice(named("determineRoute").and(takesArguments(3))
                .and(takesArgument(0, named(HOST)))
                .and(takesArgument(1, named("org.apache.hc.core5.http.HttpRequest"))),
                "io.inmesh.instrumentation.http.apache5async.DetermineRouteAdvice")
            .advice(named("connect").and(takesArguments(7))
                .and(takesArgument(1, named("org.apache.hc.core5.net.NamedEndpoint")))
                .and(takesArgument(2, SocketAddress.class)),
                "io.inmesh.instrumentation.http.apache5async.DialHostAddressAdvice")
            .advice(named("doExecute").and(takesArguments(6))
                .and(takesArgument(2, named("org.apache.hc.core5.http.nio.AsyncResponseConsumer"))),
                "io.inmesh.instrumentation.http.apache5async.ExecuteAdvice")
            .advice(named("completed").and(takesArguments(1))
                .and(takesArgument(0, named("org.apache.hc.core5.reactor.IOSession"))),
                "io.inmesh.instrumentation.http.apache5async.SessionTlsAdvice"));
  }
}
