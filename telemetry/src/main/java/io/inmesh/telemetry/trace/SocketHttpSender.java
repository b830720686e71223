package io.inmesh.telemetry.trace;

import io.inmesh.telemetry.SocketPost;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * OTLP/HTTP (http/protobuf) export with one {@link SocketPost} per batch: not a client the
 * agent's own advice instruments, which would route (and trace) its own exports.
 */
final class SocketHttpSender implements HttpSender {

  private final HttpSenderConfig config;
  private final SocketPost post;
  private final ExecutorService executor;
  private final boolean ownExecutor;

  private SocketHttpSender(HttpSenderConfig config) {
    this.config = config;
    int timeout = (int) Math.min(Integer.MAX_VALUE, config.getTimeout().toMillis());
    long connect = config.getConnectTimeout() == null ? timeout
        : Math.min(timeout, config.getConnectTimeout().toMillis());
    this.post = new SocketPost(config.getEndpoint(), config.getContentType(), new String[0],
        (int) Math.max(1, connect), timeout, config.getSslContext());
    this.ownExecutor = config.getExecutorService() == null;
    this.executor = ownExecutor ? Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "inmesh-otlp-http");
      t.setDaemon(true);
      return t;
    }) : config.getExecutorService();
  }

  @Override
  public void send(MessageWriter request, Consumer<HttpResponse> onResponse,
      Consumer<Throwable> onError) {
    executor.execute(() -> {
      try {
        onResponse.accept(post(request));
      } catch (Throwable e) {
        onError.accept(e);
      }
    });
  }

  private HttpResponse post(MessageWriter request) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(Math.max(64,
        request.getContentLength()));
    List<String> headers = new ArrayList<>();
    if (config.getCompressor() != null) {
      try (OutputStream compressed = config.getCompressor().compress(body)) {
        request.writeMessage(compressed);
      }
      headers.add("Content-Encoding: " + config.getCompressor().getEncoding());
    } else {
      request.writeMessage(body);
    }
    Map<String, List<String>> supplied = config.getHeadersSupplier() == null ? null
        : config.getHeadersSupplier().get();
    if (supplied != null) {
      supplied.forEach((k, values) -> values.forEach(v -> headers.add(k + ": " + v)));
    }
    byte[] bytes = body.toByteArray();
    SocketPost.Reply reply = this.post.post(bytes, bytes.length, headers.toArray(new String[0]));
    return new HttpResponse() {
      @Override
      public int getStatusCode() {
        return reply.status();
      }

      @Override
      public String getStatusMessage() {
        return reply.reason();
      }

      @Override
      public byte[] getResponseBody() {
        return reply.bytes();
      }
    };
  }

  @Override
  public CompletableResultCode shutdown() {
    if (ownExecutor) {
      executor.shutdown();
    }
    return CompletableResultCode.ofSuccess();
  }

  /** Found by the exporter through {@link Senders}, never through ServiceLoader. */
  static final class Provider implements HttpSenderProvider {
    @Override
    public HttpSender createSender(HttpSenderConfig config) {
      return new SocketHttpSender(config);
    }
  }
}
