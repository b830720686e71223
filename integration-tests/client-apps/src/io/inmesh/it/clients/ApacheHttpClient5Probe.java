package io.inmesh.it.clients;

import io.inmesh.it.apps.ClientProbe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** Apache HttpClient 5 classic, as an application would use it: one pooling client. */
public final class ApacheHttpClient5Probe implements ClientProbe.Client {

  private final PoolingHttpClientConnectionManager pool =
      PoolingHttpClientConnectionManagerBuilder.create().build();
  /**
   * Without automatic retries: HttpClient 5 retries a 503 by default (after a second), resending
   * the request to the same target, and the agent's reply server answers each local reply once,
   * so the retry would see "local reply expired" instead of the mesh's reply (see the report on
   * issue 8: the reply server should answer a reply path until it expires).
   */
  private final CloseableHttpClient client = HttpClients.custom().setConnectionManager(pool)
      .disableAutomaticRetries().disableRedirectHandling().build();

  @Override
  public ClientProbe.Answer get(String url, Map<String, String> headers) throws Exception {
    HttpGet get = new HttpGet(url);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      get.setHeader(h.getKey(), h.getValue());
    }
    try (CloseableHttpResponse response = client.execute(get)) {
      return ClientProbe.Answer.of(response.getCode(), EntityUtils.toString(response.getEntity()),
          headers(response.getHeaders()));
    }
  }

  static Map<String, List<String>> headers(Header[] headers) {
    Map<String, List<String>> map = new HashMap<>();
    for (Header h : headers) {
      map.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
    }
    return map;
  }

  @Override
  public int pooledConnections() {
    return pool.getTotalStats().getAvailable();
  }

  @Override
  public Class<?> libraryClass() {
    return HttpClients.class;
  }
}
