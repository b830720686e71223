package io.inmesh.xds.client;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.inmesh.xds.bootstrap.ServerUri;
import java.util.concurrent.TimeUnit;

/**
 * The ADS transport over gRPC. {@code Grpc.newChannelBuilder} picks the shaded Netty provider for
 * {@code dns:///} targets and its unix-socket provider (epoll) for {@code unix:///} targets.
 */
public final class GrpcXdsTransport implements XdsTransport {

  private final ManagedChannel channel;
  private final AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub;

  public GrpcXdsTransport(ServerUri server) {
    this.channel = Grpc.newChannelBuilder(server.target(), InsecureChannelCredentials.create())
        .userAgent("inmesh")
        .build();
    this.stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
  }

  @Override
  public Stream start(StreamListener listener) {
    StreamObserver<DiscoveryRequest> requests =
        stub.streamAggregatedResources(new StreamObserver<DiscoveryResponse>() {
          @Override
          public void onNext(DiscoveryResponse response) {
            listener.onResponse(response);
          }

          @Override
          public void onError(Throwable error) {
            listener.onClosed(error);
          }

          @Override
          public void onCompleted() {
            listener.onClosed(null);
          }
        });
    return new Stream() {
      @Override
      public void send(DiscoveryRequest request) {
        requests.onNext(request);
      }

      @Override
      public void cancel(String reason) {
        ((ClientCallStreamObserver<DiscoveryRequest>) requests).cancel(reason, null);
      }
    };
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
