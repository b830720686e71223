package io.inmesh.telemetry.trace;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import java.util.List;

/**
 * Hands the OTLP exporters the agent's own senders. The exporters otherwise look for senders with
 * ServiceLoader, which in a relocated, minimized agent jar would find nothing (or an OkHttp or JDK
 * HttpClient sender the agent's advice instruments).
 */
final class Senders implements ComponentLoader {

  @Override
  @SuppressWarnings("unchecked")
  public <T> Iterable<T> load(Class<T> type) {
    if (type == GrpcSenderProvider.class) {
      return List.of((T) new GrpcChannelSender.Provider());
    }
    if (type == HttpSenderProvider.class) {
      return List.of((T) new SocketHttpSender.Provider());
    }
    return List.of();
  }
}
