package io.inmesh.it;

/** Apache HttpClient 5.4 async, the oldest supported, routed by the mesh. */
class ApacheHttpAsyncClient5OldestRoutingIT extends ClientRoutingTestBase {
  ApacheHttpAsyncClient5OldestRoutingIT() {
    super("httpclient5-5.4", "io.inmesh.it.clients.ApacheHttpAsyncClient5Probe", "httpclient5-5.4.jar");
  }

  @Override
  boolean reportsOutcomes() {
    return true;
  }
}
