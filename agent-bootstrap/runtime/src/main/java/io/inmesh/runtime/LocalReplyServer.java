package io.inmesh.runtime;

import io.inmesh.policies.log.AgentLog;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers the calls the mesh answers itself (no route, no healthy upstream, redirects, direct
 * responses) with real HTTP responses, so every HTTP client gets what it would get from an Envoy
 * sidecar, in its own terms, without the agent faking each client's response objects. The advice
 * sends such a call to this loopback server under {@code /__inmesh/local-reply/<id>}; the reply is
 * registered just before and served until it expires (a client that retries a 503 by itself, as
 * Apache HttpClient 5 does, must get the same answer again).
 *
 * <p>Deliberately minimal: loopback only, daemon threads, one HTTP/1.1 request per connection
 * ({@code Connection: close}), bounded header size and worker count. A client that speaks
 * cleartext HTTP/2 with prior knowledge gets its replies over HTTP/2 ({@link H2cReplyConnection}).
 */
final class LocalReplyServer implements AutoCloseable {

  static final String PATH_PREFIX = "/__inmesh/local-reply/";
  private static final AgentLog LOG = AgentLog.get(LocalReplyServer.class);
  private static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final long EXPIRY_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** One reply: status, Envoy response flags, extra headers (name, value pairs) and body. */
  record LocalReply(int status, String responseFlags, String[] headers, String body) {}

  private record Pending(LocalReply reply, long registeredNanos) {}

  private final ServerSocket socket;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final ThreadPoolExecutor workers = new ThreadPoolExecutor(0, 8, 30, TimeUnit.SECONDS,
      new SynchronousQueue<>(), r -> daemon(r, "inmesh-local-reply"),
      new ThreadPoolExecutor.CallerRunsPolicy());

  private LocalReplyServer(ServerSocket socket) {
    this.socket = socket;
  }

  /** Binds an ephemeral loopback port; null (logged) when it cannot. */
  static LocalReplyServer start() {
    try {
      ServerSocket s = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
      LocalReplyServer server = new LocalReplyServer(s);
      daemon(server::acceptLoop, "inmesh-local-reply-accept").start();
      return server;
    } catch (IOException e) {
      LOG.warn(e, "cannot bind the local reply server; local replies fail the call instead");
      return null;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** Registers a reply and returns the path that serves it. */
  String register(LocalReply reply) {
    long now = System.nanoTime();
    if (pending.size() > 1_000) {
      expire(now);
    }
    long id = ids.incrementAndGet();
    pending.put(id, new Pending(reply, now));
    return PATH_PREFIX + id;
  }

  private void expire(long now) {
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      if (now - it.next().registeredNanos() > EXPIRY_NANOS) {
        it.remove();
      }
    }
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        workers.execute(() -> serve(client));
      } catch (IOException e) {
        if (!socket.isClosed()) {
          LOG.debug("local reply server accept failed: %s", e);
        }
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(5000);
      InputStream in = new BufferedInputStream(client.getInputStream());
      String head = readHead(in);
      if (head == null) {
        return;
      }
      if (head.startsWith("PRI * HTTP/2.0\r\n")) {
        // cleartext HTTP/2 with prior knowledge: the rest of the preface, then frames
        byte[] tail = in.readNBytes(H2cReplyConnection.PREFACE_TAIL.length);
        if (java.util.Arrays.equals(tail, H2cReplyConnection.PREFACE_TAIL)) {
          new H2cReplyConnection(in, client.getOutputStream(), this::replyFor).serve();
        }
        return;
      }
      String requestLine = head.substring(0, head.indexOf("\r\n"));
      String[] parts = requestLine.split(" ");
      write(client.getOutputStream(), replyFor(parts.length > 1 ? parts[1] : ""),
          "HEAD".equals(parts[0]));
    } catch (SocketTimeoutException e) {
      LOG.debug("local reply client sent no request in time");
    } catch (IOException | RuntimeException e) {
      LOG.debug("local reply failed: %s", e);
    }
  }

  /** The reply registered under a path, or a 503 saying it expired. */
  private LocalReply replyFor(String path) {
    LocalReply reply = lookup(path);
    return reply != null ? reply
        : new LocalReply(503, "-", new String[0], "inmesh: local reply expired");
  }

  private LocalReply lookup(String path) {
    if (!path.startsWith(PATH_PREFIX)) {
      return null;
    }
    try {
      Pending p = pending.get(Long.parseLong(path.substring(PATH_PREFIX.length())));
      return p == null ? null : p.reply();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The request line and headers, up to the blank line; the body, if any, is not read. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder(256);
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.append((char) b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1
          || matched == 3)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString();
      }
      if (head.length() > MAX_HEADER_BYTES) {
        return null;
      }
    }
    return null;
  }

  private static void write(OutputStream out, LocalReply reply, boolean head) throws IOException {
    byte[] body = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
    StringBuilder h = new StringBuilder(256)
        .append("HTTP/1.1 ").append(reply.status()).append(' ').append(reason(reply.status()))
        .append("\r\n");
    boolean contentType = false;
    for (int i = 0; i + 1 < reply.headers().length; i += 2) {
      h.append(reply.headers()[i]).append(": ").append(reply.headers()[i + 1]).append("\r\n");
      contentType |= reply.headers()[i].toLowerCase(Locale.ROOT).equals("content-type");
    }
    if (!contentType && body.length > 0) {
      h.append("content-type: text/plain\r\n");
    }
    h.append("content-length: ").append(body.length).append("\r\n")
        .append("x-inmesh-response-flags: ").append(reply.responseFlags()).append("\r\n")
        .append("server: inmesh\r\n")
        .append("connection: close\r\n\r\n");
    out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!head) {
      out.write(body);
    }
    out.flush();
  }

  private static String reason(int status) {
    switch (status) {
      case 301: return "Moved Permanently";
      case 302: return "Found";
      case 303: return "See Other";
      case 307: return "Temporary Redirect";
      case 308: return "Permanent Redirect";
      case 400: return "Bad Request";
      case 403: return "Forbidden";
      case 404: return "Not Found";
      case 429: return "Too Many Requests";
      case 500: return "Internal Server Error";
      case 502: return "Bad Gateway";
      case 503: return "Service Unavailable";
      case 504: return "Gateway Timeout";
      default: return "Local Reply";
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
    workers.shutdownNow();
  }
}
