package io.inmesh.telemetry.trace;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP trace receiver on loopback: the gRPC TraceService and the http/protobuf
 * {@code POST /v1/traces}, both decoding the protobuf requests the exporter sends.
 */
final class OtlpReceiver implements AutoCloseable {

  final List<ExportTraceServiceRequest> requests = new CopyOnWriteArrayList<>();
  final List<String> httpHeaders = new CopyOnWriteArrayList<>();
  private final Server grpc;
  private final HttpServer http;

  OtlpReceiver() throws IOException {
    grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest request,
              StreamObserver<ExportTraceServiceResponse> response) {
            requests.add(request);
            response.onNext(ExportTraceServiceResponse.getDefaultInstance());
            response.onCompleted();
          }
        }).build().start();
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    http.createContext("/v1/traces", exchange -> {
      httpHeaders.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
          + exchange.getRequestHeaders().getFirst("Content-Encoding") + " "
          + exchange.getRequestHeaders().getFirst("X-Tenant"));
      InputStream body = exchange.getRequestBody();
      if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        body = new GZIPInputStream(body);
      }
      requests.add(ExportTraceServiceRequest.parseFrom(body.readAllBytes()));
      byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    http.start();
  }

  String grpcEndpoint() {
    return "http://127.0.0.1:" + grpc.getPort();
  }

  String httpEndpoint() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** Every span received so far, with its resource. */
  List<Received> spans() {
    List<Received> out = new java.util.ArrayList<>();
    for (ExportTraceServiceRequest r : requests) {
      for (ResourceSpans rs : r.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            out.add(new Received(rs.getResource(), s));
          }
        }
      }
    }
    return out;
  }

  /** Waits up to {@code seconds} for a span matching {@code which}. */
  Received await(Predicate<Received> which, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      for (Received r : spans()) {
        if (which.test(r)) {
          return r;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no such span within " + seconds + " s; got " + spans());
  }

  record Received(io.opentelemetry.proto.resource.v1.Resource resource, Span span) {

    String traceId() {
      return hex(span.getTraceId().toByteArray());
    }

    String spanId() {
      return hex(span.getSpanId().toByteArray());
    }

    String parentSpanId() {
      return hex(span.getParentSpanId().toByteArray());
    }

    String attribute(String key) {
      return span.getAttributesList().stream().filter(a -> a.getKey().equals(key))
          .map(a -> a.getValue().hasIntValue() ? Long.toString(a.getValue().getIntValue())
              : a.getValue().hasArrayValue() ? a.getValue().getArrayValue().getValues(0)
                  .getStringValue() : a.getValue().getStringValue())
          .findFirst().orElse(null);
    }

    String resourceAttribute(String key) {
      return resource.getAttributesList().stream().filter(a -> a.getKey().equals(key))
          .map(a -> a.getValue().getStringValue()).findFirst().orElse(null);
    }

    private static String hex(byte[] bytes) {
      StringBuilder sb = new StringBuilder();
      for (byte b : bytes) {
        sb.append(String.format("%02x", b));
      }
      return sb.toString();
    }
  }

  @Override
  public void close() {
    grpc.shutdownNow();
    http.stop(0);
  }
}
