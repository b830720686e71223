package io.inmesh.it.clients;

import io.inmesh.it.apps.ClientProbe;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * Reactor Netty's HttpClient, as an application would use it: one client on one connection
 * provider; per-request headers through {@code headers(...)}, the raw client's way.
 */
public final class ReactorNettyProbe implements ClientProbe.Client {

  private final List<ConnectionPoolMetrics> pools = new CopyOnWriteArrayList<>();
  /**
   * One connection per pool (Reactor Netty has one pool per remote address): a response is handed
   * back before its connection is released, so the next call could open a second connection to the
   * same endpoint and "pooled" would no longer count endpoints.
   */
  private final ConnectionProvider provider = ConnectionProvider.builder("probe")
      .maxConnections(1)
      .pendingAcquireTimeout(Duration.ofSeconds(10))
      .metrics(true, () -> new ConnectionProvider.MeterRegistrar() {
        @Override
        public void registerMetrics(String poolName, String id, SocketAddress remoteAddress,
            ConnectionPoolMetrics metrics) {
          pools.add(metrics);
        }

        @Override
        public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {}
      })
      .build();
  private final HttpClient client;

  public ReactorNettyProbe() {
    client = HttpClient.create(provider);
  }

  private ReactorNettyProbe(HttpProtocol protocol) {
    client = HttpClient.create(provider).protocol(protocol);
  }

  /** Cleartext HTTP/2 with prior knowledge. */
  @Override
  public ClientProbe.Client http2() {
    return new ReactorNettyProbe(HttpProtocol.H2C);
  }

  @Override
  public ClientProbe.Answer get(String url, Map<String, String> headers) throws Exception {
    HttpClient c = headers.isEmpty() ? client : client.headers(h -> headers.forEach(h::set));
    ClientProbe.Answer answer = c.get().uri(url)
        .responseSingle((response, body) -> body.asString().defaultIfEmpty("").map(text ->
            ClientProbe.Answer.of(response.status().code(), text, headers(response))))
        .block(Duration.ofSeconds(10));
    return answer;
  }

  private static Map<String, List<String>> headers(HttpClientResponse response) {
    Map<String, List<String>> map = new HashMap<>();
    for (Map.Entry<String, String> h : response.responseHeaders()) {
      map.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue());
    }
    return map;
  }

  @Override
  public int pooledConnections() {
    int idle = 0;
    for (ConnectionPoolMetrics pool : pools) {
      idle += pool.idleSize();
    }
    return idle;
  }

  @Override
  public Class<?> libraryClass() {
    return HttpClient.class;
  }
}
