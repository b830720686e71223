package io.inmesh.it;

/** Reactor Netty HttpClient 1.0.48, the oldest supported, routed by the mesh. */
class ReactorNettyOldestRoutingIT extends ReactorNettyRoutingTestBase {
  ReactorNettyOldestRoutingIT() {
    super("reactor-netty-http-1.0.48", "reactor-netty-http-1.0.48.jar");
  }
}
