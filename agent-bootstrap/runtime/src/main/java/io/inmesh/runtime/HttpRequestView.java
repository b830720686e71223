package io.inmesh.runtime;

import io.inmesh.api.MeshRequest;
import io.inmesh.policies.RequestView;
import java.util.List;
import java.util.Map;

/** A {@link MeshRequest} seen by the router. Header names compare case-insensitively. */
final class HttpRequestView implements RequestView {

  private final MeshRequest request;
  private final String authority;
  private final String sourceIp;

  HttpRequestView(MeshRequest request, String authority, String sourceIp) {
    this.request = request;
    this.authority = authority;
    this.sourceIp = sourceIp;
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public boolean mayWait() {
    return request.mayWait();
  }

  @Override
  public String scheme() {
    return request.scheme();
  }

  @Override
  public String sourceIp() {
    return sourceIp;
  }

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public String path() {
    return request.path();
  }

  @Override
  public String header(String lowerCaseName) {
    Map<String, List<String>> headers = request.headers();
    List<String> values = headers.get(lowerCaseName);
    if (values == null) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(lowerCaseName)) {
          values = e.getValue();
          break;
        }
      }
    }
    if (values == null || values.isEmpty()) {
      return null;
    }
    return values.size() == 1 ? values.get(0) : String.join(",", values);
  }
}
