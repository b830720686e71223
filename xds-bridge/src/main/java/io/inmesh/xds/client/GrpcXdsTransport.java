package io.inmesh.xds.client;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.inmesh.xds.bootstrap.ServerUri;
import java.util.concurrent.TimeUnit;

/**
 * The ADS transport over gRPC, on the shaded Netty transport: epoll when available (required for
 * {@code unix:///} targets), NIO otherwise.
 *
 * <p>The channel has its own one-thread event loop (daemon), closed with no quiet period. A thread
 * left waiting in {@code epoll_wait} delays the JVM's exit by up to 300 ms (HotSpot waits for
 * threads in native code before it exits), so the agent's shutdown hook closes this transport.
 */
public final class GrpcXdsTransport implements XdsTransport {

  private final ManagedChannel channel;
  private final EventLoopGroup eventLoop;
  private final AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub;

  public GrpcXdsTransport(ServerUri server) {
    this(server, InsecureChannelCredentials.create());
  }

  /** @param credentials the channel's credentials ({@code channel_creds}) */
  public GrpcXdsTransport(ServerUri server, ChannelCredentials credentials) {
    DefaultThreadFactory threads = new DefaultThreadFactory("inmesh-xds-io", true);
    NettyChannelBuilder builder = NettyChannelBuilder
        .forTarget(server.target(), credentials)
        .userAgent("inmesh");
    if (Epoll.isAvailable()) {
      eventLoop = new EpollEventLoopGroup(1, threads);
      builder.eventLoopGroup(eventLoop).channelType(server.isUnixSocket()
          ? EpollDomainSocketChannel.class : EpollSocketChannel.class);
    } else {
      eventLoop = new NioEventLoopGroup(1, threads);
      builder.eventLoopGroup(eventLoop).channelType(NioSocketChannel.class);
    }
    this.channel = builder.build();
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
      eventLoop.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).await(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
