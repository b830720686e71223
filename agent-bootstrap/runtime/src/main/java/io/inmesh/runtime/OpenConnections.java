package io.inmesh.runtime;

import io.inmesh.policies.cluster.CircuitBreaker;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The routed connections holding a {@code max_connections} admission of their cluster, by the
 * socket or channel that holds each (identity, weakly): the admission is given back once, when
 * the connect fails, when the socket closes, or when an application drops the socket without
 * closing it and the collector clears it (so a leaked socket cannot hold a cluster's connections
 * forever).
 */
final class OpenConnections {

  /**
   * One admission; {@link #release} gives it back at most once, and tells {@code onClose} when
   * the connection had been established ({@link #established}).
   */
  static final class Admission {
    private final CircuitBreaker breaker;
    private final Runnable onClose;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean established;

    Admission(CircuitBreaker breaker, Runnable onClose) {
      this.breaker = breaker;
      this.onClose = onClose;
    }

    /** The connect succeeded: the connection is open until released. */
    void established() {
      established = true;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        breaker.connectionClosed();
        if (established) {
          onClose.run();
        }
      }
    }
  }

  /** A socket, weakly and by identity, with its admission. */
  private static final class Key extends WeakReference<Object> {
    private final int hash;
    private final Admission admission;

    Key(Object socket, Admission admission, ReferenceQueue<Object> queue) {
      super(socket, queue);
      this.hash = System.identityHashCode(socket);
      this.admission = admission;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      Object mine = get();
      return o instanceof Key k && mine != null && mine == k.get();
    }
  }

  private final Map<Key, Admission> open = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

  /** Records that {@code socket} holds {@code admission} until it closes. */
  void opened(Object socket, Admission admission) {
    expunge();
    open.put(new Key(socket, admission, collected), admission);
  }

  /** Gives back the admission {@code socket} holds, if any. */
  void closed(Object socket) {
    if (open.isEmpty()) {
      return;
    }
    Admission admission = open.remove(new Key(socket, null, null));
    if (admission != null) {
      admission.release();
    }
  }

  private void expunge() {
    for (Object ref = collected.poll(); ref != null; ref = collected.poll()) {
      Key key = (Key) ref;
      open.remove(key);
      key.admission.release();
    }
  }
}
