package io.inmesh.webhook;

import java.net.InetSocketAddress;
import java.util.logging.Logger;

/** {@code java -jar inmesh-webhook.jar}: settings from the environment (see WebhookSettings). */
public final class WebhookMain {

  private WebhookMain() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    Logger log = Logger.getLogger(WebhookMain.class.getName());
    WebhookSettings settings;
    try {
      settings = WebhookSettings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("inmesh-webhook: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (settings.injection().xdsAddress().endsWith(":15012")) {
      log.warning("INMESH_XDS_ADDRESS uses istiod's TLS port 15012, which needs TLS and a service-account"
          + " token the agent does not present yet; use 15010 or Istio's grpc-agent template");
    }
    WebhookServer server;
    try {
      server = WebhookServer.start(new InetSocketAddress(settings.port()), settings.tlsCert(),
          settings.tlsKey(), settings.tlsReloadInterval(), settings.injection());
    } catch (IllegalArgumentException e) {
      System.err.println("inmesh-webhook: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "inmesh-webhook-stop"));
    log.info("inmesh-webhook listening on https port " + server.address().getPort() + ", agent image "
        + settings.injection().agentImage() + ", xDS " + settings.injection().xdsAddress()
        + ", cluster " + settings.injection().clusterId());
    Thread.currentThread().join();
  }
}
