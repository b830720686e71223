package io.inmesh.it.clients;

import io.inmesh.it.apps.ClientProbe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.http.Header;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;

/** Apache HttpClient 4.x, as an application would use it: one pooling client. */
public final class ApacheHttpClient4Probe implements ClientProbe.Client {

  private final PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
  private final CloseableHttpClient client = HttpClients.custom().setConnectionManager(pool)
      .disableRedirectHandling().build();

  @Override
  public ClientProbe.Answer get(String url, Map<String, String> headers) throws Exception {
    HttpGet get = new HttpGet(url);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      get.setHeader(h.getKey(), h.getValue());
    }
    try (CloseableHttpResponse response = client.execute(get)) {
      Map<String, List<String>> received = new HashMap<>();
      for (Header h : response.getAllHeaders()) {
        received.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
      }
      return ClientProbe.Answer.of(response.getStatusLine().getStatusCode(),
          EntityUtils.toString(response.getEntity()), received);
    }
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
