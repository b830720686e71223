package io.inmesh.instrumentation.net.socket;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.inmesh.instrumentation.LibraryInstrumentation;
import java.net.SocketAddress;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Every TCP connection the JDK opens, at connection level: what a sidecar sees of a client it
 * does not understand (JDBC drivers, Redis and Kafka clients, anything not HTTP). The destination
 * is handed to {@link io.inmesh.api.Mesh#connect} before the real connect, which dials what it
 * returns or fails with the mesh's refusal.
 *
 * <ul>
 *   <li>{@code java.net.Socket.connect(SocketAddress, int)}: blocking sockets (PostgreSQL and
 *       MariaDB JDBC, Jedis, HttpURLConnection).</li>
 *   <li>{@code sun.nio.ch.SocketChannelImpl.connect(SocketAddress)}, its {@code finishConnect()}
 *       for non-blocking connects, and {@code blockingConnect(SocketAddress, long)} behind
 *       {@code SocketChannel.socket().connect}: NIO (Kafka, Netty's NIO transport, the JDK
 *       HttpClient).</li>
 * </ul>
 * Their closes ({@code Socket.close()}, {@code SocketChannelImpl.implCloseSelectableChannel()})
 * give a routed connection's {@code max_connections} admission back. Native transports (Netty's epoll, kqueue, io_uring) connect outside these classes and are not
 * seen. Both classes are in {@code java.base}, which reads the bootstrap API (see
 * {@code ClientInstrumentation}).
 */
public final class SocketConnectInstrumentation implements LibraryInstrumentation {

  static final String SOCKET = "java.net.Socket";
  static final String SOCKET_CHANNEL = "sun.nio.ch.SocketChannelImpl";

  @Override
  public String name() {
    return "net.socket";
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(SOCKET, SOCKET_CHANNEL);
  }

  @Override
  public AgentBuilder extend(AgentBuilder builder) {
    return builder.type(named(SOCKET))
        .transform((b, type, loader, module, domain) -> b
            .visit(Advice.to(BlockingConnectAdvice.class)
                .on(named("connect").and(takesArguments(SocketAddress.class, int.class))))
            .visit(Advice.to(CloseAdvice.class)
                .on(named("close").and(takesArguments(0)))))
        .type(named(SOCKET_CHANNEL))
        .transform((b, type, loader, module, domain) -> b
            .visit(Advice.to(ChannelConnectAdvice.class)
                .on(named("connect").and(takesArguments(SocketAddress.class))
                    .and(returns(boolean.class))))
            .visit(Advice.to(BlockingConnectAdvice.class)
                .on(named("blockingConnect").and(takesArguments(2))
                    .and(takesArgument(0, SocketAddress.class))))
            .visit(Advice.to(FinishConnectAdvice.class)
                .on(named("finishConnect").and(takesArguments(0))
                    .and(returns(boolean.class))))
            .visit(Advice.to(CloseAdvice.class)
                .on(named("implCloseSelectableChannel").and(takesArguments(0)))));
  }
}
