package io.inmesh.api;

import java.net.ConnectException;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The one entry point instrumentation advice calls for an outbound call: {@code Mesh.outbound}.
 *
 * <p>This class lives on the bootstrap class path so that advice inlined into any class, JDK
 * classes included, can reach it. It is compiled for Java 8 and holds no logic: the agent runtime,
 * loaded in its own class loader, installs the handler once it has started. Until then, and if
 * the handler ever throws, every call passes through untouched.
 */
public final class Mesh {

  private static volatile MeshHandler handler;
  /** Set once a connection has been routed: until then finishing a connect costs one read. */
  private static volatile boolean connectsRouted;

  private Mesh() {}

  /**
   * Routes one outbound call.
   *
   * @return the mesh's decision, or null to let the call proceed exactly as the application wrote it
   */
  public static Decision outbound(MeshRequest request) {
    MeshHandler h = handler;
    if (h == null) {
      return null;
    }
    try {
      return h.outbound(request);
    } catch (Throwable t) {
      h.failed(t);
      return null;
    }
  }

  /** Hands a call's outcome to the runtime; never throws. See {@link Decision#complete}. */
  static void completed(Decision decision, Object response, int status, Throwable error) {
    MeshHandler h = handler;
    if (h == null) {
      return;
    }
    try {
      h.completed(decision, response, status, error);
    } catch (Throwable t) {
      h.failed(t);
    }
  }

  /**
   * Lets the runtime enforce the route's timeouts and retries on a routed asynchronous call (the
   * JDK HttpClient's {@code sendAsync}): the runtime re-sends attempts with the same client.
   *
   * @param client the client that sent the call
   * @param request the request actually sent (with the route's changes)
   * @param bodyHandler the client's response body handler
   * @param future the client's future for the first attempt
   * @return the future for the application; {@code future} itself when the runtime does not take
   *     the call over (no runtime, nothing to enforce, or any error), in which case the caller
   *     reports the outcome as before. When a different future is returned, the runtime reports
   *     every attempt's outcome and the caller must not.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  public static CompletableFuture resilient(Decision decision, Object client, Object request,
      Object bodyHandler, CompletableFuture future) {
    MeshHandler h = handler;
    if (h == null || decision == null || future == null) {
      return future;
    }
    try {
      CompletableFuture result = h.resilient(decision, client, request, bodyHandler, future);
      return result == null ? future : result;
    } catch (Throwable t) {
      h.failed(t);
      return future;
    }
  }

  /**
   * The route's timeouts and retries for a routed call whose advice sends the attempts itself,
   * synchronously; null when there are none to apply (or no runtime, or any error): the advice
   * then sends the call once and {@link Decision#complete}s it as before.
   */
  public static CallAttempts attempts(Decision decision) {
    MeshHandler h = handler;
    if (h == null || decision == null || decision.isLocalReply()) {
      return null;
    }
    try {
      return h.attempts(decision);
    } catch (Throwable t) {
      h.failed(t);
      return null;
    }
  }

  /**
   * Routes one outbound TCP connection at connect time, as a sidecar routes a redirected
   * connection: by the listener and filter chain of its destination, then the chain's
   * {@code tcp_proxy}. Advice calls it before the JDK connects and dials what it returns.
   *
   * @param socket the socket or channel that connects (its close gives back a
   *     {@code max_connections} admission, see {@link #closed})
   * @param destination where the application connects
   * @return the address to dial: {@code destination} itself when the mesh leaves the connection
   *     alone (no runtime, not the mesh's, or any error in the agent), else a
   *     {@link RoutedAddress}
   * @throws ConnectException when the mesh refuses the connection (a black hole, no healthy
   *     endpoint, the network rate limit, the cluster's {@code max_connections}), with a message
   *     that says why; advice makes the application's connect throw it, as Envoy closes such a
   *     connection
   */
  public static SocketAddress connect(Object socket, SocketAddress destination)
      throws ConnectException {
    MeshHandler h = handler;
    if (h == null || destination == null) {
      return destination;
    }
    try {
      SocketAddress dial = h.connect(socket, destination);
      if (dial == null) {
        return destination;
      }
      if (dial instanceof RoutedAddress && !connectsRouted) {
        connectsRouted = true;
      }
      return dial;
    } catch (ConnectException refused) {
      throw refused;
    } catch (Throwable t) {
      h.failed(t);
      return destination;
    }
  }

  /**
   * Reports how the connect to an address {@link #connect} returned ended; never throws.
   *
   * @param failure the connect's failure, or null when the connection is established
   */
  public static void connectEnded(RoutedAddress dialled, Throwable failure) {
    MeshHandler h = handler;
    if (h == null || dialled == null) {
      return;
    }
    try {
      h.connectEnded(dialled, failure);
    } catch (Throwable t) {
      h.failed(t);
    }
  }

  /**
   * Tells the runtime a socket or channel closed, so a routed connection's admission is given
   * back; until a connection has been routed it costs one volatile read. Never throws.
   */
  public static void closed(Object socket) {
    if (!connectsRouted) {
      return;
    }
    MeshHandler h = handler;
    if (h == null) {
      return;
    }
    try {
      h.closed(socket);
    } catch (Throwable t) {
      h.failed(t);
    }
  }

  /** Whether any connection has been routed yet (advice on a connect's completion checks it). */
  public static boolean connectsRouted() {
    return connectsRouted;
  }

  /** Installs the runtime's handler; only the first call takes effect. */
  public static synchronized boolean install(MeshHandler meshHandler) {
    if (handler != null || meshHandler == null) {
      return false;
    }
    handler = meshHandler;
    return true;
  }

  /** True once a runtime has installed its handler. */
  public static boolean active() {
    return handler != null;
  }
}
