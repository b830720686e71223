package io.inmesh.instrumentation.net.socket;

import io.inmesh.api.Mesh;
import io.inmesh.api.RoutedAddress;
import java.net.ConnectException;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code SocketChannelImpl.connect(SocketAddress)}: like
 * {@link BlockingConnectAdvice}, except that a non-blocking connect still pending when it returns
 * (false) ends in {@code finishConnect} ({@link FinishConnectAdvice}).
 */
public final class ChannelConnectAdvice {

  private ChannelConnectAdvice() {}

  /** Returns the mesh's refusal, which skips the connect, or null to connect. */
  @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
  public static ConnectException enter(@Advice.This Object socket,
      @Advice.Argument(value = 0, readOnly = false) SocketAddress destination) {
    try {
      destination = Mesh.connect(socket, destination);
      return null;
    } catch (ConnectException refused) {
      return refused;
    }
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.Argument(0) SocketAddress dialled,
      @Advice.Enter ConnectException refused, @Advice.Return boolean connected,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (refused != null) {
      thrown = refused;
    } else if (dialled instanceof RoutedAddress && (connected || thrown != null)) {
      Mesh.connectEnded((RoutedAddress) dialled, thrown);
    }
  }
}
