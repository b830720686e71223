package io.inmesh.it;

/** {@code java.net.HttpURLConnection} routed by the mesh. */
class UrlConnectionRoutingIT extends HttpRoutingTestBase {
  UrlConnectionRoutingIT() {
    super("urlconnection");
  }
}
