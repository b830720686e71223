package io.inmesh.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/** A plain HTTP GET against a test server on loopback. */
record Http(int status, String contentType, String body) {

  static Http get(InetSocketAddress address, String pathAndQuery) throws IOException {
    URL url = new URL("http://127.0.0.1:" + address.getPort() + pathAndQuery);
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    int status = c.getResponseCode();
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Http(status, c.getContentType(), body);
    } finally {
      c.disconnect();
    }
  }
}
