package io.inmesh.runtime;

import io.inmesh.policies.RequestView;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.header.Header;
import io.inmesh.policies.header.HeaderEditor;
import io.inmesh.policies.header.HeaderMutations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import javax.net.ssl.SSLSession;

/**
 * The route's response header changes ({@code response_headers_to_add} and
 * {@code response_headers_to_remove} at route, virtual host and route-configuration level, and
 * generated session cookies), applied to the response as it reaches the application. The JDK
 * HttpClient's response is handed on with the changed headers, everything else untouched; other
 * clients' advice hands over a mutable case-insensitive map of their response's headers, changed
 * in place, and writes it back.
 */
final class ResponseHeaderRewrite implements Function<Object, Object> {

  private final HeaderMutations mutations;
  private final List<Header> added;
  private final RequestView request;
  private final Endpoint endpoint;

  private ResponseHeaderRewrite(HeaderMutations mutations, List<Header> added,
      RequestView request, Endpoint endpoint) {
    this.mutations = mutations;
    this.added = added;
    this.request = request;
    this.endpoint = endpoint;
  }

  /** The rewrite for a routed call, or null when the route changes no response header. */
  static ResponseHeaderRewrite of(HeaderMutations mutations, List<Header> added,
      RequestView request, Endpoint endpoint) {
    if (mutations.isEmpty() && added.isEmpty()) {
      return null;
    }
    return new ResponseHeaderRewrite(mutations, added, request, endpoint);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object apply(Object response) {
    if (response instanceof Map<?, ?> map) {
      applyTo(new MapEditor((Map<String, List<String>>) map));
      return response;
    }
    if (!(response instanceof HttpResponse<?> r)) {
      return response;
    }
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    r.headers().map().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
    applyTo(new MapEditor(headers));
    return new Rewritten<>(r, HttpHeaders.of(headers, (k, v) -> true));
  }

  private void applyTo(HeaderEditor editor) {
    mutations.applyTo(editor, request, endpoint);
    for (Header h : added) {
      editor.add(h.name(), h.value());
    }
  }

  /** A header editor over a case-insensitive map of header lists. */
  record MapEditor(Map<String, List<String>> headers) implements HeaderEditor {
    @Override
    public boolean contains(String name) {
      List<String> v = headers.get(name);
      return v != null && !v.isEmpty();
    }

    @Override
    public void set(String name, String value) {
      headers.put(name, new ArrayList<>(List.of(value)));
    }

    @Override
    public void add(String name, String value) {
      headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    @Override
    public void remove(String name) {
      headers.remove(name);
    }
  }

  /** The application's response with other headers. */
  private record Rewritten<T>(HttpResponse<T> response, HttpHeaders headers)
      implements HttpResponse<T> {
    @Override
    public int statusCode() {
      return response.statusCode();
    }

    @Override
    public HttpRequest request() {
      return response.request();
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return response.previousResponse();
    }

    @Override
    public T body() {
      return response.body();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return response.sslSession();
    }

    @Override
    public URI uri() {
      return response.uri();
    }

    @Override
    public HttpClient.Version version() {
      return response.version();
    }
  }
}
