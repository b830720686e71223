package io.inmesh.bench.jmh;

import com.sun.net.httpserver.HttpServer;
import io.inmesh.policies.RequestView;
import io.inmesh.telemetry.CallRecord;
import io.inmesh.telemetry.trace.ClientSpan;
import io.inmesh.telemetry.trace.ClientSpans;
import io.inmesh.telemetry.trace.TracingConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a client span adds to a call on the application's thread: the span started at the
 * decision (ids, the application's current span looked up, trace headers formatted), then ended
 * with the outcome's attributes and queued for the batch exporter, which sends OTLP http/protobuf
 * to a loopback sink on its own thread. {@code sampler=always_off} is the cost of propagation
 * alone (a span that is not recorded still gets ids and a traceparent).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClientSpanBenchmark {

  @Param({"parentbased_always_on", "always_off"})
  public String sampler;

  private HttpServer sink;
  private ClientSpans spans;

  private final RequestView request = new RequestView() {
    @Override
    public String authority() {
      return "reviews.default.svc.cluster.local:9080";
    }

    @Override
    public String path() {
      return "/reviews/1";
    }

    @Override
    public String method() {
      return "GET";
    }

    @Override
    public String header(String lowerCaseName) {
      return null;
    }
  };

  private final CallRecord outcome = new CallRecord("http", "GET",
      "reviews.default.svc.cluster.local:9080", "/reviews/1",
      "reviews.default.svc.cluster.local:9080", "default",
      "outbound|9080|v1|reviews.default.svc.cluster.local", "127.0.0.7:9080", 200, "-", null,
      0L, 1_000_000L, -1, -1);

  @Setup(Level.Trial)
  public void start() throws IOException {
    sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    sink.createContext("/v1/traces", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    sink.start();
    spans = ClientSpans.start(TracingConfig.from("on", Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + sink.getAddress().getPort(),
        "OTEL_TRACES_SAMPLER", sampler), new Properties()), "bench");
  }

  @TearDown(Level.Trial)
  public void stop() {
    spans.close();
    sink.stop(0);
  }

  @Benchmark
  public ClientSpan startAndEnd() {
    ClientSpan span = spans.start(request, "reviews.default.svc.cluster.local", 9080);
    spans.end(span, outcome);
    return span;
  }
}
