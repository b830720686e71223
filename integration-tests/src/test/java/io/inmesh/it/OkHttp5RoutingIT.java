package io.inmesh.it;

/** OkHttp 5.5.1, the newest supported, routed by the mesh. */
class OkHttp5RoutingIT extends ClientRoutingTestBase {
  OkHttp5RoutingIT() {
    super("okhttp-5.5.1", "io.inmesh.it.clients.OkHttpProbe", "okhttp-jvm-5.5.1.jar");
  }

  @Override
  boolean reportsOutcomes() {
    return true;
  }
}
