package io.inmesh.it.clients;

import io.inmesh.it.apps.ClientProbe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.io.CloseMode;

/** Apache HttpClient 5 async, as an application would use it: one pooling client, started once. */
public final class ApacheHttpAsyncClient5Probe implements ClientProbe.Client {

  /**
   * One connection per route: the async client hands back a response before the connection is
   * back in the pool, so the next call could open a second connection to the same endpoint, and
   * "pooled" would no longer count endpoints. With one per route it waits for the release instead.
   */
  private final PoolingAsyncClientConnectionManager pool;
  /** Without automatic retries, for the classic probe's reason (a retried 503 local reply). */
  private final CloseableHttpAsyncClient client;

  public ApacheHttpAsyncClient5Probe() {
    this(false);
  }

  /** @param http2 the HTTP/2-only client: cleartext HTTP/2 with prior knowledge for http: */
  private ApacheHttpAsyncClient5Probe(boolean http2) {
    if (http2) {
      pool = null;
      client = HttpAsyncClients.customHttp2().disableAutomaticRetries()
          .disableRedirectHandling().build();
    } else {
      pool = PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnPerRoute(1).build();
      client = HttpAsyncClients.custom().setConnectionManager(pool).disableAutomaticRetries()
          .disableRedirectHandling().build();
    }
    client.start();
  }

  @Override
  public ClientProbe.Client http2() {
    client.close(CloseMode.IMMEDIATE);
    return new ApacheHttpAsyncClient5Probe(true);
  }

  @Override
  public ClientProbe.Answer get(String url, Map<String, String> headers) throws Exception {
    SimpleRequestBuilder get = SimpleRequestBuilder.get(url);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      get.setHeader(h.getKey(), h.getValue());
    }
    SimpleHttpRequest request = get.build();
    SimpleHttpResponse response = client.execute(request, null).get();
    String body = response.getBodyText();
    return ClientProbe.Answer.of(response.getCode(), body == null ? "" : body,
        headers(response.getHeaders()));
  }

  private static Map<String, List<String>> headers(Header[] headers) {
    Map<String, List<String>> map = new HashMap<>();
    for (Header h : headers) {
      map.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
    }
    return map;
  }

  @Override
  public int pooledConnections() {
    return pool == null ? 0 : pool.getTotalStats().getAvailable();
  }

  @Override
  public Class<?> libraryClass() {
    return HttpAsyncClients.class;
  }
}
