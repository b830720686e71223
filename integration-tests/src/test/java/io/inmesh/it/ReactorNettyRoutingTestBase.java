package io.inmesh.it;

/** {@link ClientRoutingTestBase} for Reactor Netty's HttpClient. */
abstract class ReactorNettyRoutingTestBase extends ClientRoutingTestBase {

  ReactorNettyRoutingTestBase(String clientApp, String libraryJar) {
    super(clientApp, "io.inmesh.it.clients.ReactorNettyProbe", libraryJar);
  }

  @Override
  boolean reportsOutcomes() {
    return true;
  }
}
