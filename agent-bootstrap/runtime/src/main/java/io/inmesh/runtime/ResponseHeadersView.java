package io.inmesh.runtime;

import io.inmesh.policies.RequestView;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A response's headers as the retry policy reads them ({@code retriable_headers}): multiple values
 * joined with ',', names compared ignoring case.
 */
record ResponseHeadersView(Map<String, List<String>> headers) implements RequestView {

  @Override
  public String authority() {
    return null;
  }

  @Override
  public String path() {
    return "/";
  }

  @Override
  public String header(String lowerCaseName) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(lowerCaseName)) {
        return String.join(",", e.getValue());
      }
    }
    return null;
  }
}
