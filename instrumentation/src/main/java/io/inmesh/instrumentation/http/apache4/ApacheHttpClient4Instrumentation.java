package io.inmesh.instrumentation.http.apache4;

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
 * Apache HttpClient 4.4 and later 4.x ({@code HttpClients.createDefault()}, {@code
 * HttpClientBuilder}, and what is built on them: Spring's {@code RestTemplate} with
 * HttpComponents, Feign's ApacheHttpClient).
 *
 * <p>Hooked at {@code InternalHttpClient.doExecute(HttpHost, HttpRequest, HttpContext)}, as for
 * HttpClient 5: the target becomes {@code HttpHost(endpointIp, applicationHost, endpointPort,
 * scheme)}, so the connection operator dials the endpoint without DNS, the pool's {@code HttpRoute}
 * (whose host includes the address) keys kept-alive connections by endpoint, and TLS keeps the
 * application's host name. The {@code Host} header comes from the request's URI, the
 * application's. HTTP/1.1 only (as the library).
 */
public final class ApacheHttpClient4Instrumentation implements LibraryInstrumentation {

  static final String CLIENT = "org.apache.http.impl.client.InternalHttpClient";
  /** Present from HttpClient 4.4 on, which needs HttpCore 4.4's HttpHost with an address. */
  static final String MARKER_4_4 = "org.apache.http.conn.ssl.DefaultHostnameVerifier";
  static final String HOST = "org.apache.http.HttpHost";
  /** Binds the connected socket: where the mesh's TLS is layered ({@code BindTlsAdvice}). */
  static final String CONNECTION = "org.apache.http.impl.conn.DefaultManagedHttpClientConnection";

  /** The attempts of a routed call, defined in HttpClient 4's loader. */
  static final HelperClasses HELPERS =
      new HelperClasses("io.inmesh.instrumentation.http.apache4.MeshAttempts");

  @Override
  public String name() {
    return "http.apache4";
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(CLIENT, CONNECTION);
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder) {
    return builder
        .type(new LibraryGuard(name(), "Apache HttpClient 4.4 to 4.5",
            namedOneOf(CLIENT, CONNECTION), MARKER_4_4, HOST))
        .transform((b, type, loader, module, domain) -> {
          HELPERS.injectInto(loader);
          return b;
        })
        .transform(LibraryAdvice.of(ApacheHttpClient4Instrumentation.class)
            .advice(named("doExecute").and(takesArguments(3))
                .and(takesArgument(0, named(HOST)))
                .and(takesArgument(1, named("org.apache.http.HttpRequest"))),
                "io.inmesh.instrumentation.http.apache4.DoExecuteAdvice")
            .advice(named("bind").and(takesArguments(1))
                .and(takesArgument(0, named("java.net.Socket"))),
                "io.inmesh.instrumentation.http.BindTlsAdvice"));
  }
}
