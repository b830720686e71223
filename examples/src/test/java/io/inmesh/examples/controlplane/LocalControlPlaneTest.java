package io.inmesh.examples.controlplane;

import static io.envoyproxy.controlplane.cache.Resources.V3.CLUSTER_TYPE_URL;
import static io.envoyproxy.controlplane.cache.Resources.V3.LISTENER_TYPE_URL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalControlPlaneTest {

  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String RATINGS = "ratings.default.svc.cluster.local";
  private static final String REVIEWS_LISTENER = IstiodShapes.listenerName(REVIEWS, 9080);
  private static final String RATINGS_LISTENER = IstiodShapes.listenerName(RATINGS, 9080);
  private static final Duration QUIET = Duration.ofMillis(500);

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void answersWithTheRequestedNamesThatExist() throws Exception {
    LocalControlPlane xds = started(LocalControlPlane.onLoopback());
    xds.setResources("1", List.of(IstiodShapes.listener(REVIEWS, 9080)), List.of(), List.of(), List.of());
    AdsTestClient client = client(xds);

    client.request(LISTENER_TYPE_URL, List.of(REVIEWS_LISTENER, RATINGS_LISTENER), "", "");

    DiscoveryResponse response = client.next();
    assertEquals("1", response.getVersionInfo());
    assertEquals(List.of(REVIEWS_LISTENER), listenerNames(response));
  }

  @Test
  void answersAnUnknownNameWithNothingSoTheClientLearnsItDoesNotExist() throws Exception {
    LocalControlPlane xds = started(LocalControlPlane.onLoopback());
    AdsTestClient client = client(xds);

    client.request(CLUSTER_TYPE_URL, List.of(IstiodShapes.clusterName(RATINGS, 9080, "")), "", "");

    DiscoveryResponse response = client.next();
    assertEquals(LocalControlPlane.INITIAL_VERSION, response.getVersionInfo());
    assertEquals(0, response.getResourcesCount());
  }

  @Test
  void answersAChangedSubscriptionAtOnceEvenIfTheNewNameIsMissing() throws Exception {
    LocalControlPlane xds = started(LocalControlPlane.onLoopback());
    xds.setResources("1", List.of(IstiodShapes.listener(REVIEWS, 9080)), List.of(), List.of(), List.of());
    AdsTestClient client = client(xds);
    client.request(LISTENER_TYPE_URL, List.of(REVIEWS_LISTENER), "", "");
    DiscoveryResponse first = client.next();
    client.ack(first, List.of(REVIEWS_LISTENER));
    client.expectNothingFor(QUIET);

    client.request(LISTENER_TYPE_URL, List.of(REVIEWS_LISTENER, RATINGS_LISTENER),
        first.getVersionInfo(), first.getNonce());

    DiscoveryResponse second = client.next();
    assertEquals(List.of(REVIEWS_LISTENER), listenerNames(second));
    // Its ACK repeats the subscription unchanged: that must not be answered again.
    client.ack(second, List.of(REVIEWS_LISTENER, RATINGS_LISTENER));
    client.expectNothingFor(QUIET);
  }

  @Test
  void sendsEachNewVersionToAnAckedSubscription() throws Exception {
    LocalControlPlane xds = started(LocalControlPlane.onLoopback());
    xds.setResources("1", List.of(IstiodShapes.listener(REVIEWS, 9080)), List.of(), List.of(), List.of());
    AdsTestClient client = client(xds);
    client.request(LISTENER_TYPE_URL, List.of(REVIEWS_LISTENER), "", "");
    client.ack(client.next(), List.of(REVIEWS_LISTENER));

    xds.setResources("2", List.of(IstiodShapes.listener(REVIEWS, 9080)), List.of(), List.of(), List.of());

    assertEquals("2", client.next().getVersionInfo());
  }

  @Test
  void doesNotResendTheFirstResponseAfterItIsNacked() throws Exception {
    LocalControlPlane xds = started(LocalControlPlane.onLoopback());
    xds.setResources("1", List.of(IstiodShapes.listener(REVIEWS, 9080)), List.of(), List.of(), List.of());
    AdsTestClient client = client(xds);
    client.request(LISTENER_TYPE_URL, List.of(REVIEWS_LISTENER), "", "");
    DiscoveryResponse rejected = client.next();

    client.nack(rejected, List.of(REVIEWS_LISTENER), "");

    client.expectNothingFor(QUIET);
    xds.setResources("2", List.of(IstiodShapes.listener(REVIEWS, 9080)), List.of(), List.of(), List.of());
    assertEquals("2", client.next().getVersionInfo());
    assertEquals(1, xds.nackCount());
  }

  @Test
  void doesNotResendALaterVersionAfterItIsNacked() throws Exception {
    LocalControlPlane xds = started(LocalControlPlane.onLoopback());
    xds.setResources("1", List.of(IstiodShapes.listener(REVIEWS, 9080)), List.of(), List.of(), List.of());
    AdsTestClient client = client(xds);
    client.request(LISTENER_TYPE_URL, List.of(REVIEWS_LISTENER), "", "");
    client.ack(client.next(), List.of(REVIEWS_LISTENER));
    xds.setResources("2", List.of(IstiodShapes.listener(REVIEWS, 9080)), List.of(), List.of(), List.of());
    DiscoveryResponse rejected = client.next();

    client.nack(rejected, List.of(REVIEWS_LISTENER), "1");

    client.expectNothingFor(QUIET);
    xds.setResources("3", List.of(IstiodShapes.listener(REVIEWS, 9080)), List.of(), List.of(), List.of());
    assertEquals("3", client.next().getVersionInfo());
    ObservedRequest nack = xds.awaitRequest(ObservedRequest::isNack, QUIET);
    assertEquals("rejected by test", nack.errorMessage());
    assertEquals(rejected.getNonce(), nack.nonce());
  }

  @Test
  void sendsAVersionPublishedBeforeTheNackArrived() throws Exception {
    LocalControlPlane xds = started(LocalControlPlane.onLoopback());
    xds.setResources("1", List.of(IstiodShapes.listener(REVIEWS, 9080)), List.of(), List.of(), List.of());
    AdsTestClient client = client(xds);
    client.request(LISTENER_TYPE_URL, List.of(REVIEWS_LISTENER), "", "");
    DiscoveryResponse rejected = client.next();
    // Published while version 1 is unanswered: no watch is open, so nothing is sent yet.
    xds.setResources("2", List.of(IstiodShapes.listener(REVIEWS, 9080)), List.of(), List.of(), List.of());

    client.nack(rejected, List.of(REVIEWS_LISTENER), "");

    // istiod would have pushed version 2 regardless of the NACK; the client must get it.
    assertEquals("2", client.next().getVersionInfo());
  }

  @Test
  void recordsRequestsAndCountsStreams() throws Exception {
    LocalControlPlane xds = started(LocalControlPlane.onLoopback());
    AdsTestClient client = client(xds);
    client.request(LISTENER_TYPE_URL, List.of(REVIEWS_LISTENER), "", "");
    client.next();

    ObservedRequest request = xds.awaitRequest(r -> r.typeUrl().equals(LISTENER_TYPE_URL), QUIET);
    assertEquals(List.of(REVIEWS_LISTENER), request.resourceNames());
    assertEquals("", request.versionInfo());
    assertEquals(1, xds.openStreams());
    assertEquals(1, xds.sentResponses().size());

    client.close();
    xds.awaitOpenStreams(0, Duration.ofSeconds(5));
  }

  @Test
  void refusesToRepublishTheServedVersion() throws Exception {
    LocalControlPlane xds = started(LocalControlPlane.onLoopback());
    xds.setResources("1", List.of(), List.of(), List.of(), List.of());
    assertThrows(IllegalArgumentException.class,
        () -> xds.setResources("1", List.of(), List.of(), List.of(), List.of()));
  }

  @Test
  void servesOnAUnixDomainSocket(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("xds.sock");
    LocalControlPlane xds = started(LocalControlPlane.onUnixSocket(socket));
    xds.setResources("1", List.of(), List.of(),
        List.of(IstiodShapes.cluster(REVIEWS, 9080, "v1")), List.of());
    EpollEventLoopGroup group = new EpollEventLoopGroup(1);
    toClose.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
    AdsTestClient client = new AdsTestClient(
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .eventLoopGroup(group)
            .channelType(EpollDomainSocketChannel.class)
            .usePlaintext()
            .build());
    toClose.add(client);

    String v1 = IstiodShapes.clusterName(REVIEWS, 9080, "v1");
    client.request(CLUSTER_TYPE_URL, List.of(v1), "", "");

    DiscoveryResponse response = client.next();
    assertEquals(v1, response.getResources(0).unpack(Cluster.class).getName());
    assertEquals("unix://" + socket.toAbsolutePath(), xds.serverUri());
    assertTrue(socket.toFile().exists());
  }

  private LocalControlPlane started(LocalControlPlane xds) throws Exception {
    toClose.add(xds);
    return xds.start();
  }

  private AdsTestClient client(LocalControlPlane xds) {
    AdsTestClient client = new AdsTestClient(
        NettyChannelBuilder.forAddress("127.0.0.1", xds.port()).usePlaintext().build());
    toClose.add(client);
    return client;
  }

  private static List<String> listenerNames(DiscoveryResponse response)
      throws InvalidProtocolBufferException {
    List<String> names = new ArrayList<>();
    for (var any : response.getResourcesList()) {
      names.add(any.unpack(Listener.class).getName());
    }
    return names;
  }
}
