package io.inmesh.it;

/** OkHttp 4.12.0 routed by the mesh. */
class OkHttp4RoutingIT extends ClientRoutingTestBase {
  OkHttp4RoutingIT() {
    super("okhttp-4.12.0", "io.inmesh.it.clients.OkHttpProbe", "okhttp-4.12.0.jar");
  }

  @Override
  boolean reportsOutcomes() {
    return true;
  }
}
