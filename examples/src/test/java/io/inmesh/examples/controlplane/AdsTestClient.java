package io.inmesh.examples.controlplane;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare ADS stream over a real channel: the test plays the xDS client, request by request. */
final class AdsTestClient implements AutoCloseable {

  static final Node NODE = Node.newBuilder()
      .setId("sidecar~127.0.0.1~test-client.default~default.svc.cluster.local")
      .build();

  private final ManagedChannel channel;
  private final BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
  private final StreamObserver<DiscoveryRequest> requests;
  private volatile Throwable streamError;
  private boolean closed;

  AdsTestClient(ManagedChannel channel) {
    this.channel = channel;
    this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .streamAggregatedResources(new StreamObserver<>() {
          @Override
          public void onNext(DiscoveryResponse response) {
            responses.add(response);
          }

          @Override
          public void onError(Throwable error) {
            streamError = error;
          }

          @Override
          public void onCompleted() {}
        });
  }

  /** A subscription or an ACK. */
  void request(String typeUrl, List<String> names, String version, String nonce) {
    requests.onNext(DiscoveryRequest.newBuilder()
        .setNode(NODE)
        .setTypeUrl(typeUrl)
        .addAllResourceNames(names)
        .setVersionInfo(version)
        .setResponseNonce(nonce)
        .build());
  }

  void ack(DiscoveryResponse response, List<String> names) {
    request(response.getTypeUrl(), names, response.getVersionInfo(), response.getNonce());
  }

  /** Rejects {@code response}, reporting the last accepted version as a client must. */
  void nack(DiscoveryResponse response, List<String> names, String acceptedVersion) {
    requests.onNext(DiscoveryRequest.newBuilder()
        .setNode(NODE)
        .setTypeUrl(response.getTypeUrl())
        .addAllResourceNames(names)
        .setVersionInfo(acceptedVersion)
        .setResponseNonce(response.getNonce())
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("rejected by test"))
        .build());
  }

  DiscoveryResponse next() throws InterruptedException {
    DiscoveryResponse response = responses.poll(5, TimeUnit.SECONDS);
    assertNotNull(response, () -> "no response within 5 s; stream error: " + streamError);
    return response;
  }

  void expectNothingFor(Duration quiet) throws InterruptedException {
    DiscoveryResponse response = responses.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
    assertNull(response, () -> "expected no response, got version " + response.getVersionInfo()
        + " with " + response.getResourcesCount() + " resources");
  }

  @Override
  public void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    requests.onCompleted();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
