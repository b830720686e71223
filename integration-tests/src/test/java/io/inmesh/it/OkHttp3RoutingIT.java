package io.inmesh.it;

/** OkHttp 3.12.0, the oldest supported, routed by the mesh. */
class OkHttp3RoutingIT extends ClientRoutingTestBase {
  OkHttp3RoutingIT() {
    super("okhttp-3.12.0", "io.inmesh.it.clients.OkHttpProbe", "okhttp-3.12.0.jar");
  }

  @Override
  boolean reportsOutcomes() {
    return true;
  }
}
