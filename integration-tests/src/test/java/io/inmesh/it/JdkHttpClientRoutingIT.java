package io.inmesh.it;

/** {@code java.net.http.HttpClient} routed by the mesh. */
class JdkHttpClientRoutingIT extends HttpRoutingTestBase {
  JdkHttpClientRoutingIT() {
    super("jdk");
  }
}
