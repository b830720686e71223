package io.inmesh.xds.resource;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Canonical instances of equal immutable values the decoders produce once per endpoint or cluster
 * (an endpoint's {@code {tlsMode: istio}} labels, a cluster's ALPN list and certificate sources):
 * a whole-mesh push has thousands of equal copies, and decoded values live as long as the
 * snapshot. The table is bounded: past {@code limit} distinct values it starts over, so a mesh
 * with unusually many distinct values loses some sharing but never grows it without end.
 */
final class Interner<T> {

  private final int limit;
  private final ConcurrentHashMap<T, T> table = new ConcurrentHashMap<>();

  Interner(int limit) {
    this.limit = limit;
  }

  /** The canonical instance equal to {@code value} (null stays null). */
  T intern(T value) {
    if (value == null) {
      return null;
    }
    T known = table.get(value);
    if (known != null) {
      return known;
    }
    if (table.size() >= limit) {
      table.clear();
    }
    known = table.putIfAbsent(value, value);
    return known == null ? value : known;
  }
}
