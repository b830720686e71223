package io.inmesh.instrumentation.net.socket;

import io.inmesh.api.Mesh;
import io.inmesh.api.RoutedAddress;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code SocketChannelImpl.finishConnect()}: reports how a pending non-blocking
 * connect to a routed address ended. Until the mesh has routed a connection this costs one
 * volatile read. The address is read before the call, because a failed connect closes the
 * channel.
 */
public final class FinishConnectAdvice {

  private FinishConnectAdvice() {}

  /** The routed address of a pending connect, or null. */
  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static RoutedAddress enter(@Advice.This Object self) throws IOException {
    if (!Mesh.connectsRouted()) {
      return null;
    }
    SocketChannel channel = (SocketChannel) self;
    if (!channel.isConnectionPending()) {
      return null;
    }
    SocketAddress remote = channel.getRemoteAddress();
    return remote instanceof RoutedAddress ? (RoutedAddress) remote : null;
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.Enter RoutedAddress dialled, @Advice.Return boolean connected,
      @Advice.Thrown Throwable thrown) {
    if (dialled != null && (connected || thrown != null)) {
      Mesh.connectEnded(dialled, thrown);
    }
  }
}
