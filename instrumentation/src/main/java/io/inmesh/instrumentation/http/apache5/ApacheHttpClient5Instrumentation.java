package io.inmesh.instrumentation.http.apache5;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inmesh.instrumentation.HelperClasses;
import io.inmesh.instrumentation.LibraryAdvice;
import io.inmesh.instrumentation.LibraryGuard;
import io.inmesh.instrumentation.LibraryInstrumentation;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Apache HttpClient 5.x classic ({@code HttpClients.createDefault()}, {@code HttpClients.custom()}
 * and everything built on them, e.g. Spring's {@code HttpComponentsClientHttpRequestFactory}).
 *
 * <p>Hooked at {@code InternalHttpClient.doExecute(HttpHost, ClassicHttpRequest, HttpContext)},
 * where the client takes the target the route planner turns into an {@code HttpRoute}, the key of
 * its connection pool. The target becomes {@code HttpHost(scheme, endpointIp, applicationHost,
 * endpointPort)}: the connection operator dials the host's address when it has one (no DNS), the
 * pool keys routes (and so kept-alive connections) by a host that includes that address, and TLS
 * uses the host name for SNI and hostname verification. The request keeps its authority, so the
 * {@code Host} header is the application's. Classic is HTTP/1.1 only.
 */
public final class ApacheHttpClient5Instrumentation implements LibraryInstrumentation {

  static final String CLIENT = "org.apache.hc.client5.http.impl.classic.InternalHttpClient";
  /** Present from 5.0 on (the advice needs 5.0's HttpHost with an address). */
  static final String MARKER = "org.apache.hc.client5.http.routing.HttpRoutePlanner";
  static final String HOST = "org.apache.hc.core5.http.HttpHost";
  /** Binds the connected socket: where the mesh's TLS is layered ({@code BindTlsAdvice}). */
  static final String CONNECTION =
      "org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection";
  /** The routing step both HttpClient 5 clients share, defined in HttpClient 5's loader. */
  public static final HelperClasses HELPERS =
      new HelperClasses("io.inmesh.instrumentation.http.apache5.MeshRoute");
  /** The classic client's attempts, beside {@link #HELPERS}. */
  static final HelperClasses CLASSIC_HELPERS =
      new HelperClasses("io.inmesh.instrumentation.http.apache5.ClassicAttempts");

  @Override
  public String name() {
    return "http.apache5";
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(CLIENT, CONNECTION);
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder) {
    return builder
        .type(new LibraryGuard(name(), "Apache HttpClient 5.x", namedOneOf(CLIENT, CONNECTION),
            MARKER, HOST))
        .transform((b, type, loader, module, domain) -> {
          HELPERS.injectInto(loader);
          CLASSIC_HELPERS.injectInto(loader);
          return b;
        })
        .transform(LibraryAdvice.of(ApacheHttpClient5Instrumentation.class)
            .advice(named("doExecute").and(takesArguments(3))
                .and(takesArgument(0, named(HOST)))
                .and(takesArgument(1, named("org.apache.hc.core5.http.ClassicHttpRequest"))),
                "io.inmesh.instrumentation.http.apache5.DoExecuteAdvice")
            .advice(named("bind").and(takesArguments(1))
                .and(takesArgument(0, named("java.net.Socket"))),
                "io.inmesh.instrumentation.http.BindTlsAdvice"));
  }
}
