package io.inmesh.it;

import static io.inmesh.examples.controlplane.IstiodShapes.cluster;
import static io.inmesh.examples.controlplane.IstiodShapes.clusterName;
import static io.inmesh.examples.controlplane.IstiodShapes.domains;
import static io.inmesh.examples.controlplane.IstiodShapes.endpoints;
import static io.inmesh.examples.controlplane.IstiodShapes.listener;
import static io.inmesh.examples.controlplane.IstiodShapes.routeConfigName;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.it.apps.HttpProbe;
import io.inmesh.it.support.AgentJvm;
import io.inmesh.it.support.Backend;
import io.inmesh.it.support.Bootstraps;
import io.inmesh.it.support.ReviewsMesh;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a VirtualService's rewrite, headers, redirect and direct response become in Envoy's route
 * configuration, applied in process: the backend sees the rewritten path and the added header,
 * the redirect and the direct response are answered locally as real HTTP responses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteActionsIT {

  private static final String HOST = ReviewsMesh.HOST;
  private static final int PORT = ReviewsMesh.PORT;
  private static final String BASE = "http://" + HOST + ":" + PORT;

  private Backend backend;
  private Backend mirror;
  private int closedPort;
  private LocalControlPlane controlPlane;
  private AgentJvm app;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    backend = new Backend("v1");
    mirror = new Backend("mirror");
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    controlPlane = LocalControlPlane.onLoopback().start();
    controlPlane.setResources("1", resources());
    app = AgentJvm.start(AgentJvm.meshArgs(Bootstraps.pilotAgentShaped(dir,
        controlPlane.serverUri())), Map.of(), HttpProbe.class.getName());
    app.await("READY", 30);
  }

  @AfterAll
  void stop() {
    app.close();
    controlPlane.close();
    backend.close();
    mirror.close();
  }

  private XdsResources resources() {
    String v1 = clusterName(HOST, PORT, "v1");
    String mirrorCluster = clusterName(HOST, PORT, "mirror");
    String downCluster = clusterName(HOST, PORT, "down");
    RouteAction.Builder toV1 = RouteAction.newBuilder().setCluster(v1);
    VirtualHost vhost = VirtualHost.newBuilder()
        .setName(HOST + ":" + PORT)
        .addAllDomains(domains(HOST, PORT))
        .addRoutes(Route.newBuilder().setName("rewrite")
            .setMatch(RouteMatch.newBuilder().setPrefix("/old/"))
            .setRoute(toV1.clone().setPrefixRewrite("/new/"))
            .addRequestHeadersToAdd(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-canary").setValue("yes"))
                .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD))
            .addRequestHeadersToRemove("x-internal")
            .addResponseHeadersToAdd(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-route").setValue("rewrite"))))
        .addRoutes(Route.newBuilder().setName("hosted")
            .setMatch(RouteMatch.newBuilder().setPrefix("/hosted"))
            .setRoute(toV1.clone().setHostRewriteLiteral("reviews.internal")))
        .addRoutes(Route.newBuilder().setName("moved")
            .setMatch(RouteMatch.newBuilder().setPath("/moved"))
            .setRedirect(RedirectAction.newBuilder().setPathRedirect("/reviews/1")
                .setResponseCode(RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY))
            .addResponseHeadersToAdd(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-route").setValue("moved"))))
        .addRoutes(Route.newBuilder().setName("teapot")
            .setMatch(RouteMatch.newBuilder().setPath("/teapot"))
            .setDirectResponse(DirectResponseAction.newBuilder().setStatus(418)
                .setBody(DataSource.newBuilder().setInlineString("short and stout"))))
        .addRoutes(Route.newBuilder().setName("mirrored")
            .setMatch(RouteMatch.newBuilder().setPrefix("/mirrored"))
            .setRoute(toV1.clone().addRequestMirrorPolicies(
                RouteAction.RequestMirrorPolicy.newBuilder().setCluster(mirrorCluster))))
        .addRoutes(Route.newBuilder().setName("mirror-down")
            .setMatch(RouteMatch.newBuilder().setPrefix("/unmirrored"))
            .setRoute(toV1.clone().addRequestMirrorPolicies(
                RouteAction.RequestMirrorPolicy.newBuilder().setCluster(downCluster))))
        .addRoutes(Route.newBuilder().setName("default")
            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(toV1))
        .build();
    return new XdsResources(
        List.of(listener(HOST, PORT)),
        List.of(RouteConfiguration.newBuilder().setName(routeConfigName(HOST, PORT))
            .addVirtualHosts(vhost).build()),
        List.of(cluster(HOST, PORT, "v1"), cluster(HOST, PORT, "mirror"),
            cluster(HOST, PORT, "down")),
        List.of(endpoints(v1, "127.0.0.1:" + backend.port()),
            endpoints(mirrorCluster, "127.0.0.1:" + mirror.port()),
            endpoints(downCluster, "127.0.0.1:" + closedPort)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void prefixRewriteReachesTheBackend(String client) throws Exception {
    String r = app.fetch(client, BASE + "/old/page?q=1");
    assertTrue(r.contains("status=200") && r.contains("seen-path=/new/page?q=1"), r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void hostRewriteReachesTheBackend(String client) throws Exception {
    String r = app.fetch(client, BASE + "/hosted");
    assertTrue(r.contains("status=200") && r.contains("body=v1 reviews.internal"), r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void routeResponseHeadersReachTheApplication(String client) throws Exception {
    String routed = app.fetch(client, BASE + "/old/y");
    assertTrue(routed.contains("x-route=rewrite"), routed);
    String local = app.fetch(client, BASE + "/moved");
    assertTrue(local.contains("x-route=moved"), local);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void routeRequestHeadersAreAddedAndRemoved(String client) throws Exception {
    String r = app.fetch(client, BASE + "/old/x", "x-canary:no", "x-internal:secret", "x-kept:1");
    assertTrue(r.contains("canary=yes"), r);
    assertTrue(!r.contains("internal=") && r.contains("kept=1"), r);
  }

  @Test
  void mirrorReceivesCopiesWithTheShadowHost() throws Exception {
    int before = mirror.requests();
    for (int i = 0; i < 5; i++) {
      String r = app.fetch(i % 2 == 0 ? "jdk" : "urlconnection", BASE + "/mirrored/" + i);
      assertTrue(r.contains("status=200") && r.contains("body=v1"), r);
    }
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    while (mirror.requests() < before + 5 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(mirror.requests() >= before + 5, "mirror got " + (mirror.requests() - before));
    assertTrue(mirror.lastHost().equals(HOST + "-shadow:" + PORT)
        || mirror.lastHost().equals(HOST + ":" + PORT + "-shadow")
        || mirror.lastHost().startsWith(HOST + "-shadow"), mirror.lastHost());
  }

  @Test
  void aMirrorThatIsDownNeverAffectsTheCaller() throws Exception {
    for (int i = 0; i < 5; i++) {
      String r = app.fetch("jdk", BASE + "/unmirrored/" + i);
      assertTrue(r.contains("status=200") && r.contains("body=v1"), r);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void redirectIsAnsweredLocally(String client) throws Exception {
    String r = app.fetch(client, BASE + "/moved");
    assertTrue(r.contains("status=301") && r.contains("location=http://" + HOST + ":" + PORT
        + "/reviews/1"), r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void directResponseIsAnsweredLocally(String client) throws Exception {
    String r = app.fetch(client, BASE + "/teapot");
    assertTrue(r.contains("status=418") && r.contains("body=short and stout"), r);
  }
}
