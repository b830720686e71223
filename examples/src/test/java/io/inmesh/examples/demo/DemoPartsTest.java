package io.inmesh.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoPartsTest {

  @Test
  void bootstrapFileIsShapedAsPilotAgentWritesIt(@TempDir Path dir) throws Exception {
    Path file = XdsBootstrapFile.write(dir.resolve("bootstrap.json"), "unix:///tmp/x \"y\"",
        "demo-client.default", "default");

    JsonObject bootstrap = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    JsonObject server = bootstrap.getAsJsonArray("xds_servers").get(0).getAsJsonObject();
    assertEquals("unix:///tmp/x \"y\"", server.get("server_uri").getAsString());
    assertEquals("insecure",
        server.getAsJsonArray("channel_creds").get(0).getAsJsonObject().get("type").getAsString());
    JsonObject node = bootstrap.getAsJsonObject("node");
    assertEquals("sidecar~127.0.0.1~demo-client.default~default.svc.cluster.local",
        node.get("id").getAsString());
    assertEquals("grpc", node.getAsJsonObject("metadata").get("GENERATOR").getAsString());
  }

  @Test
  void callWindowKeepsTheLastCallsAndRoundsShares() {
    CallWindow window = new CallWindow(10);
    for (int i = 0; i < 20; i++) {
      window.add(i < 12 ? "v2" : "v1");
    }
    assertEquals("v1 80% v2 20% (last 10 calls)", window.split());
  }

  @Test
  void backendAnswersWithItsName() throws Exception {
    try (ReviewsBackend backend = ReviewsBackend.start("reviews-v1")) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backend.port() + "/reviews")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("reviews-v1", response.body());
    }
  }
}
