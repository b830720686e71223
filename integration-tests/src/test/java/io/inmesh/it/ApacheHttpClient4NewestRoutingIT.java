package io.inmesh.it;

/** Apache HttpClient 4.5.14, the newest supported, routed by the mesh. */
class ApacheHttpClient4NewestRoutingIT extends ClientRoutingTestBase {
  ApacheHttpClient4NewestRoutingIT() {
    super("httpclient-4.5.14", "io.inmesh.it.clients.ApacheHttpClient4Probe", "httpclient-4.5.14.jar");
  }

  @Override
  boolean reportsOutcomes() {
    return true;
  }
}
