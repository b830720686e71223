package io.inmesh.instrumentation.http.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inmesh.instrumentation.HelperClasses;
import io.inmesh.instrumentation.LibraryAdvice;
import io.inmesh.instrumentation.LibraryGuard;
import io.inmesh.instrumentation.LibraryInstrumentation;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * OkHttp 3.12 to 5.x ({@code okhttp3.OkHttpClient}), HTTP/1.1 and HTTP/2, http and https.
 *
 * <p>Hooked where the application hands a request to a client, {@code OkHttpClient.newCall}: the
 * one public entry point of every OkHttp call, unchanged from 3.x to 5.x, while the internals
 * behind it (call, exchange finder, route planner) were rewritten twice. A routed call is made by
 * a copy of the client ({@code newBuilder()} shares the connection pool and dispatcher) whose
 * {@link MeshDns} answers the application's host name with the endpoint's IP and whose
 * {@link EndpointSocketFactory} dials the endpoint's port. OkHttp keys its connection pool by
 * {@code Address}, which includes the {@code Dns}: as {@code MeshDns} instances are equal exactly
 * when they name the same endpoint, kept-alive (and HTTP/2 multiplexed) connections are reused
 * per endpoint and never carry a call routed elsewhere. The request's URL is untouched, so the
 * {@code Host} header, TLS server name and hostname verification are the application's.
 */
public final class OkHttpInstrumentation implements LibraryInstrumentation {

  static final String CLIENT = "okhttp3.OkHttpClient";
  /** In every OkHttp from 3.12.0 on (through 5.x), absent from 3.11 and older. */
  static final String MARKER_3_12 = "okhttp3.internal.proxy.NullProxySelector";
  static final String DNS = "okhttp3.Dns";

  /** By name: these classes implement OkHttp's types, so the agent's loader cannot load them. */
  private static final String PACKAGE = "io.inmesh.instrumentation.http.okhttp.";
  private static final HelperClasses HELPERS = new HelperClasses(PACKAGE + "MeshDns",
      PACKAGE + "EndpointSocketFactory", PACKAGE + "EndpointSocketFactory$EndpointSocket",
      PACKAGE + "MeshOutcome");

  @Override
  public String name() {
    return "http.okhttp";
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(CLIENT);
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder) {
    return builder
        .type(new LibraryGuard(name(), "OkHttp 3.12 to 5.x", named(CLIENT), MARKER_3_12, DNS))
        .transform((b, type, loader, module, domain) -> {
          HELPERS.injectInto(loader);
          return b;
        })
        .transform(LibraryAdvice.of(OkHttpInstrumentation.class)
            .advice(named("newCall").and(takesArguments(1))
                .and(takesArgument(0, named("okhttp3.Request")))
                .and(returns(named("okhttp3.Call"))), PACKAGE + "NewCallAdvice"));
  }
}
