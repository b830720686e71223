package io.inmesh.it.clients;

import io.inmesh.it.apps.ClientProbe;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/** OkHttp 3.12 to 5.x, as an application would use it: one client, synchronous calls. */
public final class OkHttpProbe implements ClientProbe.Client {

  private final OkHttpClient client;

  public OkHttpProbe() {
    this(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
  }

  private OkHttpProbe(List<Protocol> protocols) {
    client = new OkHttpClient.Builder()
        .connectTimeout(5, TimeUnit.SECONDS)
        .readTimeout(5, TimeUnit.SECONDS)
        .followRedirects(false)
        .protocols(protocols)
        .build();
  }

  /** HTTP/2 without TLS: OkHttp's prior-knowledge mode. */
  @Override
  public ClientProbe.Client http2() {
    return new OkHttpProbe(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
  }

  @Override
  public ClientProbe.Answer get(String url, Map<String, String> headers) throws Exception {
    Request.Builder request = new Request.Builder().url(url);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      request.header(h.getKey(), h.getValue());
    }
    try (Response response = client.newCall(request.build()).execute()) {
      return ClientProbe.Answer.of(response.code(), response.body().string(),
          response.headers().toMultimap());
    }
  }

  @Override
  public int pooledConnections() {
    return client.connectionPool().idleConnectionCount();
  }

  @Override
  public Class<?> libraryClass() {
    return OkHttpClient.class;
  }
}
