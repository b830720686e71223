package io.inmesh.policies.header;

import io.inmesh.policies.RequestView;
import io.inmesh.policies.cluster.Endpoint;
import java.util.List;

/**
 * Request or response header changes, already merged across the levels that declare them
 * (weighted cluster, route, virtual host, route configuration) in Envoy's order: by default the
 * most specific level is applied first so the route configuration wins
 * ({@code most_specific_header_mutations_wins} reverses it); within a level, removals come before
 * additions. Immutable and shared: {@link #NONE} when nothing changes.
 */
public final class HeaderMutations {

  /** One step: remove a header, or add one. */
  public sealed interface Operation {}

  /** {@code *_headers_to_remove}. */
  public record Remove(String name) implements Operation {}

  /** {@code *_headers_to_add}. */
  public record Add(HeaderAddition header) implements Operation {}

  public static final HeaderMutations NONE = new HeaderMutations(List.of());

  private final List<Operation> operations;

  private HeaderMutations(List<Operation> operations) {
    this.operations = operations;
  }

  public static HeaderMutations of(List<Operation> operations) {
    return operations.isEmpty() ? NONE : new HeaderMutations(List.copyOf(operations));
  }

  /** The operations in the order they must be applied. */
  public List<Operation> operations() {
    return operations;
  }

  public boolean isEmpty() {
    return operations.isEmpty();
  }

  /**
   * Applies every operation in order.
   *
   * @param request the request, for {@code %REQ(...)%} and the source IP
   * @param endpoint the picked endpoint ({@code %UPSTREAM_REMOTE_ADDRESS%}), or null
   */
  public void applyTo(HeaderEditor headers, RequestView request, Endpoint endpoint) {
    for (int i = 0; i < operations.size(); i++) {
      Operation op = operations.get(i);
      if (op instanceof Remove r) {
        headers.remove(r.name());
        continue;
      }
      HeaderAddition h = ((Add) op).header();
      String value = h.value().resolve(request, endpoint);
      if (value.isEmpty() && !h.keepEmptyValue()) {
        continue;
      }
      switch (h.action()) {
        case APPEND_IF_EXISTS_OR_ADD -> headers.add(h.name(), value);
        case ADD_IF_ABSENT -> {
          if (!headers.contains(h.name())) {
            headers.add(h.name(), value);
          }
        }
        case OVERWRITE_IF_EXISTS_OR_ADD -> headers.set(h.name(), value);
        case OVERWRITE_IF_EXISTS -> {
          if (headers.contains(h.name())) {
            headers.set(h.name(), value);
          }
        }
        default -> { }
      }
    }
  }

  @Override
  public String toString() {
    return operations.toString();
  }
}
