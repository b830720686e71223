package io.inmesh.it;

/** Apache HttpClient 5.6.5 async, the newest supported, routed by the mesh. */
class ApacheHttpAsyncClient5NewestRoutingIT extends ClientRoutingTestBase {
  ApacheHttpAsyncClient5NewestRoutingIT() {
    super("httpclient5-5.6.5", "io.inmesh.it.clients.ApacheHttpAsyncClient5Probe", "httpclient5-5.6.5.jar");
  }

  @Override
  boolean reportsOutcomes() {
    return true;
  }
}
