package io.inmesh.telemetry.trace;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * OTLP/gRPC export on the grpc-java (Netty) the agent already ships for xDS. The agent's HTTP
 * advice never sees it: Netty's sockets are not an instrumented client, and the classes are the
 * agent's relocated copies. Requests are the exporter's own serialized protobuf, sent as bytes.
 */
final class GrpcChannelSender implements GrpcSender {

  private static final MethodDescriptor.Marshaller<MessageWriter> REQUEST =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(MessageWriter message) {
          ByteArrayOutputStream out = new ByteArrayOutputStream(message.getContentLength());
          try {
            message.writeMessage(out);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return new ByteArrayInputStream(out.toByteArray());
        }

        @Override
        public MessageWriter parse(InputStream stream) {
          throw new UnsupportedOperationException("requests are only sent");
        }
      };

  private static final MethodDescriptor.Marshaller<byte[]> RESPONSE =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final ManagedChannel channel;
  private final MethodDescriptor<MessageWriter, byte[]> method;
  private final GrpcSenderConfig config;

  private GrpcChannelSender(GrpcSenderConfig config) {
    this.config = config;
    URI endpoint = config.getEndpoint();
    boolean tls = "https".equalsIgnoreCase(endpoint.getScheme());
    ChannelCredentials credentials = InsecureChannelCredentials.create();
    if (tls) {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
      if (config.getTrustManager() != null) {
        b.trustManager(config.getTrustManager());
      }
      credentials = b.build();
    }
    int port = endpoint.getPort() > 0 ? endpoint.getPort() : tls ? 443 : 80;
    this.channel = Grpc.newChannelBuilderForAddress(endpoint.getHost(), port, credentials)
        .userAgent("inmesh-otlp").build();
    this.method = MethodDescriptor.<MessageWriter, byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(config.getFullMethodName())
        .setRequestMarshaller(REQUEST).setResponseMarshaller(RESPONSE).build();
  }

  @Override
  public void send(MessageWriter request, Consumer<GrpcResponse> onResponse,
      Consumer<Throwable> onError) {
    Metadata metadata = new Metadata();
    Map<String, List<String>> headers = config.getHeadersSupplier() == null ? Map.of()
        : config.getHeadersSupplier().get();
    if (headers != null) {
      headers.forEach((k, values) -> values.forEach(v ->
          metadata.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v)));
    }
    CallOptions options = CallOptions.DEFAULT
        .withDeadlineAfter(config.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
    if (config.getCompressor() != null) {
      options = options.withCompression(config.getCompressor().getEncoding());
    }
    ClientCalls.asyncUnaryCall(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata))
            .newCall(method, options),
        request, new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {
            onResponse.accept(response(GrpcStatusCode.OK, null, value));
          }

          @Override
          public void onError(Throwable t) {
            if (t instanceof StatusRuntimeException s) {
              // the exporter reads a gRPC status (retryable or not) from the response
              onResponse.accept(response(GrpcStatusCode.fromValue(s.getStatus().getCode().value()),
                  s.getStatus().getDescription(), new byte[0]));
            } else {
              onError.accept(t);
            }
          }

          @Override
          public void onCompleted() {}
        });
  }

  private static GrpcResponse response(GrpcStatusCode code, String description, byte[] body) {
    return new GrpcResponse() {
      @Override
      public GrpcStatusCode getStatusCode() {
        return code;
      }

      @Override
      public String getStatusDescription() {
        return description;
      }

      @Override
      public byte[] getResponseMessage() {
        return body;
      }
    };
  }

  @Override
  public CompletableResultCode shutdown() {
    channel.shutdown();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.shutdownNow();
    return CompletableResultCode.ofSuccess();
  }

  /** Found by the exporter through {@link Senders}, never through ServiceLoader. */
  static final class Provider implements GrpcSenderProvider {
    @Override
    public GrpcSender createSender(GrpcSenderConfig config) {
      return new GrpcChannelSender(config);
    }
  }
}
