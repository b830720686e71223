package io.inmesh.instrumentation.http.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inmesh.instrumentation.LibraryInstrumentation;
import java.net.Proxy;
import java.net.URL;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code javax.net.ssl.HttpsURLConnection} for {@code https:} URLs (the JDK's
 * {@code sun.net.www.protocol.https.HttpsClient}).
 *
 * <p>As for plain HTTP, {@code HttpsClient.New} gets the endpoint's {@code ip:port} URL, so the
 * socket and the keep-alive cache follow the endpoint. The TLS identity must stay the
 * application's: that URL carries the application's host name in its user-info
 * ({@code inmesh-route:HOST@IP:PORT}), and while the TLS handshake runs ({@code afterConnect}) and
 * while a custom hostname verifier is consulted ({@code checkURLSpoofing}) the client's host and
 * URL are the application's, so SNI, endpoint identification and hostname verification all use
 * the name the application wrote.
 */
public final class HttpsUrlConnectionInstrumentation implements LibraryInstrumentation {

  static final String HTTPS_CLIENT = "sun.net.www.protocol.https.HttpsClient";

  @Override
  public String name() {
    return "http.urlconnection.https";
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(HTTPS_CLIENT);
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder) {
    return builder.type(named(HTTPS_CLIENT))
        .transform((b, type, loader, module, domain) -> b
            .visit(Advice.to(NewHttpsClientAdvice.class)
                .on(named("New").and(isStatic()).and(takesArguments(7))
                    .and(takesArgument(0, SSLSocketFactory.class))
                    .and(takesArgument(1, URL.class))
                    .and(takesArgument(3, Proxy.class))))
            .visit(Advice.to(TlsIdentityAdvice.HostDuringHandshake.class)
                .on(named("afterConnect").and(takesArguments(0))))
            .visit(Advice.to(TlsIdentityAdvice.UrlDuringVerification.class)
                .on(named("checkURLSpoofing").and(takesArguments(1)))));
  }
}
