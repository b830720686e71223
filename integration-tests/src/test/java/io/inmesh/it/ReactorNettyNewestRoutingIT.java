package io.inmesh.it;

/** Reactor Netty HttpClient 1.3.7, the newest supported, routed by the mesh. */
class ReactorNettyNewestRoutingIT extends ReactorNettyRoutingTestBase {
  ReactorNettyNewestRoutingIT() {
    super("reactor-netty-http-1.3.7", "reactor-netty-http-1.3.7.jar");
  }
}
