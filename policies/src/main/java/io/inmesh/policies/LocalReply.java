package io.inmesh.policies;

import io.inmesh.policies.header.Header;
import java.util.List;

/**
 * A response the mesh answers without calling upstream: a {@code redirect}, a
 * {@code direct_response}, or an error with a configured status
 * ({@code cluster_not_found_response_code}). The route's response header mutations
 * ({@link Routing#responseHeaders()}) apply on top of {@link #headers()}.
 *
 * @param status the HTTP status
 * @param body the body ("" when none)
 * @param headers {@code location} for redirects (and for 201/3xx direct responses, as Envoy),
 *     {@code content-type: text/plain} when there is a body
 */
public record LocalReply(int status, String body, List<Header> headers) {

  public LocalReply {
    headers = List.copyOf(headers);
  }
}
