package io.inmesh.it;

/** {@code java.net.http.HttpClient.sendAsync} routed by the mesh. */
class JdkHttpClientAsyncRoutingIT extends HttpRoutingTestBase {
  JdkHttpClientAsyncRoutingIT() {
    super("jdkasync");
  }
}
