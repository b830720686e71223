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
  private LocalControlPlane controlPlane;
  private AgentJvm app;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    backend = new Backend("v1");
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
  }

  private XdsResources resources() {
    String v1 = clusterName(HOST, PORT, "v1");
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
            .addRequestHeadersToRemove("x-internal"))
        .addRoutes(Route.newBuilder().setName("moved")
            .setMatch(RouteMatch.newBuilder().setPath("/moved"))
            .setRedirect(RedirectAction.newBuilder().setPathRedirect("/reviews/1")
                .setResponseCode(RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY)))
        .addRoutes(Route.newBuilder().setName("teapot")
            .setMatch(RouteMatch.newBuilder().setPath("/teapot"))
            .setDirectResponse(DirectResponseAction.newBuilder().setStatus(418)
                .setBody(DataSource.newBuilder().setInlineString("short and stout"))))
        .addRoutes(Route.newBuilder().setName("default")
            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(toV1))
        .build();
    return new XdsResources(
        List.of(listener(HOST, PORT)),
        List.of(RouteConfiguration.newBuilder().setName(routeConfigName(HOST, PORT))
            .addVirtualHosts(vhost).build()),
        List.of(cluster(HOST, PORT, "v1")),
        List.of(endpoints(v1, "127.0.0.1:" + backend.port())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "urlconnection"})
  void prefixRewriteReachesTheBackend(String client) throws Exception {
    String r = app.fetch(client, BASE + "/old/page?q=1");
    assertTrue(r.contains("status=200") && r.contains("seen-path=/new/page?q=1"), r);
  }

  @Test
  void routeRequestHeadersAreAddedAndRemoved() throws Exception {
    String r = app.fetch("jdk", BASE + "/old/x", "x-canary:no", "x-internal:secret", "x-kept:1");
    assertTrue(r.contains("canary=yes"), r);
    assertTrue(!r.contains("internal=") && r.contains("kept=1"), r);
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
