package io.inmesh.instrumentation.net.socket;

import io.inmesh.api.Mesh;
import io.inmesh.api.RoutedAddress;
import java.net.ConnectException;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into a connect that returns once connected or failed ({@code Socket.connect},
 * {@code SocketChannelImpl.blockingConnect}): dials the mesh's choice instead of the
 * application's destination, fails with the mesh's refusal without touching the network, and
 * reports how a routed connect ended. References only the bootstrap API and the JDK.
 */
public final class BlockingConnectAdvice {

  private BlockingConnectAdvice() {}

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
      @Advice.Enter ConnectException refused,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (refused != null) {
      thrown = refused;
    } else if (dialled instanceof RoutedAddress) {
      Mesh.connectEnded((RoutedAddress) dialled, thrown);
    }
  }
}
