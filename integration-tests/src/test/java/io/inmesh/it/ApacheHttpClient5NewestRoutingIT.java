package io.inmesh.it;

/** Apache HttpClient 5.6.5 classic, the newest supported, routed by the mesh. */
class ApacheHttpClient5NewestRoutingIT extends ClientRoutingTestBase {
  ApacheHttpClient5NewestRoutingIT() {
    super("httpclient5-5.6.5", "io.inmesh.it.clients.ApacheHttpClient5Probe", "httpclient5-5.6.5.jar");
  }

  @Override
  boolean reportsOutcomes() {
    return true;
  }
}
