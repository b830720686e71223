package io.inmesh.it;

/** Apache HttpClient 4.4.1, the oldest supported, routed by the mesh. */
class ApacheHttpClient4OldestRoutingIT extends ClientRoutingTestBase {
  ApacheHttpClient4OldestRoutingIT() {
    super("httpclient-4.4.1", "io.inmesh.it.clients.ApacheHttpClient4Probe", "httpclient-4.4.1.jar");
  }

  @Override
  boolean reportsOutcomes() {
    return true;
  }
}
