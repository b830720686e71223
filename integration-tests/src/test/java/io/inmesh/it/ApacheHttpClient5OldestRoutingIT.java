package io.inmesh.it;

/** Apache HttpClient 5.0.4 classic, the oldest supported, routed by the mesh. */
class ApacheHttpClient5OldestRoutingIT extends ClientRoutingTestBase {
  ApacheHttpClient5OldestRoutingIT() {
    super("httpclient5-5.0.4", "io.inmesh.it.clients.ApacheHttpClient5Probe", "httpclient5-5.0.4.jar");
  }

  @Override
  boolean reportsOutcomes() {
    return true;
  }
}
