package io.inmesh.runtime;

import io.inmesh.api.MeshRequest;
import io.inmesh.policies.Routing;
import io.inmesh.policies.log.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Envoy's {@code request_mirror_policies}: a fire-and-forget copy of the call to the mirror
 * cluster, with {@code -shadow} appended to the Host. It can never slow or fail the caller: copies
 * go through a bounded queue (full means dropped and counted) to daemon threads that send them
 * over their own short-lived connections and discard the answer.
 *
 * <p>The agent does not see request bodies, so only calls without one (GET, HEAD, OPTIONS) are
 * mirrored; a call with a body is counted as skipped, and so is a copy to a cluster that requires
 * TLS (copies go out in plaintext).
 */
final class MirrorSender {

  private static final AgentLog LOG = AgentLog.get(MirrorSender.class);
  private static final int QUEUE = 1024;
  private static final int TIMEOUT_MILLIS = 2000;

  private record Copy(MeshRequest request, Routing.Mirror mirror) {}

  private final BlockingQueue<Copy> queue = new ArrayBlockingQueue<>(QUEUE);
  private final LongAdder sent = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private volatile boolean started;

  /** Queues copies of the call for its sampled mirrors; never blocks. */
  void mirror(MeshRequest request, List<Routing.Mirror> mirrors) {
    mirror(request, mirrors, null);
  }

  /**
   * @param snapshot the snapshot the call was routed with: a mirror cluster that requires TLS is
   *     skipped (copies go out in plaintext only), or null when unknown
   */
  void mirror(MeshRequest request, List<Routing.Mirror> mirrors,
      io.inmesh.policies.MeshSnapshot snapshot) {
    for (int i = 0; i < mirrors.size(); i++) {
      Routing.Mirror m = mirrors.get(i);
      if (!m.sampled() || m.endpoint() == null) {
        continue;
      }
      if (snapshot != null && requiresTls(snapshot, m.cluster())) {
        // never a plaintext copy to a cluster that requires TLS
        skipped.increment();
        continue;
      }
      if (!bodiless(request.method())) {
        skipped.increment();
        continue;
      }
      startOnce();
      if (!queue.offer(new Copy(request, m))) {
        dropped.increment();
      }
    }
  }

  private static boolean requiresTls(io.inmesh.policies.MeshSnapshot snapshot, String cluster) {
    var state = snapshot.clusters().get(cluster);
    return state != null && state.cluster().mayUseTls();
  }

  long sent() {
    return sent.sum();
  }

  long dropped() {
    return dropped.sum();
  }

  private static boolean bodiless(String method) {
    return method == null || method.equals("GET") || method.equals("HEAD")
        || method.equals("OPTIONS");
  }

  private void startOnce() {
    if (started) {
      return;
    }
    synchronized (this) {
      if (started) {
        return;
      }
      for (int i = 0; i < 2; i++) {
        Thread t = new Thread(this::sendLoop, "inmesh-mirror-" + i);
        t.setDaemon(true);
        t.start();
      }
      started = true;
    }
  }

  private void sendLoop() {
    while (true) {
      Copy copy;
      try {
        copy = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        send(copy);
        sent.increment();
      } catch (IOException | RuntimeException e) {
        LOG.debug("mirror copy to %s failed: %s", copy.mirror().endpoint().address(), e);
      }
    }
  }

  private static void send(Copy copy) throws IOException {
    MeshRequest request = copy.request();
    Routing.Mirror mirror = copy.mirror();
    StringBuilder head = new StringBuilder(256)
        .append(request.method() == null ? "GET" : request.method()).append(' ')
        .append(request.path()).append(" HTTP/1.1\r\n")
        .append("host: ").append(mirror.authority()).append("\r\n");
    for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
      String name = h.getKey();
      if (name == null || hopByHop(name)) {
        continue;
      }
      for (String value : h.getValue()) {
        head.append(name).append(": ").append(value).append("\r\n");
      }
    }
    head.append("connection: close\r\n\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(mirror.endpoint().host(), mirror.endpoint().port()),
          TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] discard = new byte[4096];
      while (in.read(discard) >= 0) {
        // the mirror's answer is never used
      }
    }
  }

  private static boolean hopByHop(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "host":
      case "connection":
      case "content-length":
      case "transfer-encoding":
      case "keep-alive":
      case "upgrade":
        return true;
      default:
        return false;
    }
  }
}
