package io.inmesh.api;

import java.net.ConnectException;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/** Implemented by the agent runtime; see {@link Mesh}. */
public interface MeshHandler {

  /** Returns a decision, or null for pass-through. May throw: {@link Mesh} then passes through. */
  Decision outbound(MeshRequest request);

  /** How a call the handler decided ended (see {@link Decision#complete}). May throw. */
  void completed(Decision decision, Object response, int status, Throwable error);

  /**
   * Takes over an asynchronous call's timeouts and retries (see {@link Mesh#resilient}). Returns
   * {@code future} when it does not; otherwise the future the application gets, and the handler
   * then reports every attempt itself. May throw only before it has taken anything over.
   */
  default CompletableFuture<?> resilient(Decision decision, Object client, Object request,
      Object bodyHandler, CompletableFuture<?> future) {
    return future;
  }

  /**
   * The attempts of a call whose advice sends them itself (see {@link Mesh#attempts}), or null
   * when the route has no timeout and no retry policy. May throw.
   */
  default CallAttempts attempts(Decision decision) {
    return null;
  }

  /**
   * Routes a TCP connection (see {@link Mesh#connect}): the address to dial, null or
   * {@code destination} to leave it alone. Throws {@link ConnectException} to refuse it; any other
   * throwable is a failure and the connection is left alone.
   */
  default SocketAddress connect(Object socket, SocketAddress destination)
      throws ConnectException {
    return destination;
  }

  /** How the connect to a routed address ended (see {@link Mesh#connectEnded}). May throw. */
  default void connectEnded(RoutedAddress dialled, Throwable failure) {
  }

  /** A socket or channel closed (see {@link Mesh#closed}). May throw. */
  default void closed(Object socket) {
  }

  /** Told about a failure inside {@link #outbound} so it can be logged once, off the hot path. */
  void failed(Throwable error);
}
