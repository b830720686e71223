package io.inmesh.instrumentation.net.socket;

import io.inmesh.api.Mesh;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code Socket.close()} and {@code SocketChannelImpl.implCloseSelectableChannel()}:
 * a routed connection's close gives its cluster's {@code max_connections} admission back. Until
 * the mesh has routed a connection this costs one volatile read. References only the bootstrap
 * API.
 */
public final class CloseAdvice {

  private CloseAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit(@Advice.This Object socket) {
    Mesh.closed(socket);
  }
}
