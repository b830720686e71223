package io.inmesh.it.clients;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;

/**
 * An application that traces with the OpenTelemetry API and SDK itself: each {@code traced URL}
 * command opens a span, makes it current, calls the URL with the JDK HttpClient inside it, and
 * answers {@code TRACED trace=<trace id> span=<span id> status=<code> seen=<traceparent the
 * backend got>}.
 */
public final class TracedProbe {

  public static void main(String[] args) throws Exception {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(new Discard())).build();
    Tracer tracer = provider.get("checkout-app");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    System.out.println("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] parts = line.trim().split("\\s+");
      if (parts[0].equals("quit")) {
        break;
      }
      if (!parts[0].equals("traced")) {
        continue;
      }
      Span span = tracer.spanBuilder("checkout").startSpan();
      String answer;
      try (Scope ignored = span.makeCurrent()) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(parts[1]))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        answer = "status=" + r.statusCode() + " seen="
            + r.headers().firstValue("x-seen-traceparent").orElse("none");
      } catch (Exception e) {
        answer = "error=" + e.toString().replace('\n', ' ');
      } finally {
        span.end();
      }
      System.out.println("TRACED trace=" + span.getSpanContext().getTraceId() + " span="
          + span.getSpanContext().getSpanId() + " " + answer);
    }
    provider.close();
  }

  /** The application's own exporter is beside the point here. */
  private static final class Discard implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
