package io.inmesh.telemetry;

import io.inmesh.policies.log.AgentLog;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP/1.1 server for the admin and metrics listeners: GET and HEAD, one request per
 * connection, bounded header size and workers, and only daemon threads, so an application whose
 * {@code main} returns still exits. Not the JDK's {@code com.sun.net.httpserver}: its dispatcher
 * thread is not a daemon unless started from one, and its module ({@code jdk.httpserver}) is
 * missing from many jlink'd runtimes the agent must still work in.
 */
final class HttpEndpoint implements AutoCloseable {

  private static final AgentLog LOG = AgentLog.get(HttpEndpoint.class);
  private static final int MAX_HEAD_BYTES = 16 * 1024;

  /** A parsed request: the path without the query, and the decoded query parameters. */
  record Request(String method, String path, Map<String, List<String>> query) {

    String param(String name) {
      List<String> v = query.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    List<String> params(String name) {
      return query.getOrDefault(name, List.of());
    }
  }

  record Response(int status, String contentType, String body) {

    static Response text(int status, String body) {
      return new Response(status, "text/plain; charset=utf-8", body);
    }

    static Response json(String body) {
      return new Response(200, "application/json", body);
    }
  }

  @FunctionalInterface
  interface Handler {
    Response handle(Request request);
  }

  private final String name;
  private final ServerSocket socket;
  private final Map<String, Handler> routes;
  private final ThreadPoolExecutor workers;

  private HttpEndpoint(String name, ServerSocket socket, Map<String, Handler> routes) {
    this.name = name;
    this.socket = socket;
    this.routes = Map.copyOf(routes);
    this.workers = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> daemon(r, name + "-worker"), new ThreadPoolExecutor.CallerRunsPolicy());
  }

  /**
   * Binds and serves; null when the address cannot be bound (logged, never thrown: the
   * application runs without this listener).
   */
  static HttpEndpoint start(String name, InetSocketAddress address, Map<String, Handler> routes) {
    ServerSocket s = null;
    try {
      s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(address, 64);
      HttpEndpoint endpoint = new HttpEndpoint(name, s, routes);
      daemon(endpoint::acceptLoop, name + "-accept").start();
      return endpoint;
    } catch (IOException | RuntimeException e) {
      LOG.warn(e, "cannot listen on %s for the %s; it is not served", address, name);
      if (s != null) {
        try {
          s.close();
        } catch (IOException ignored) {
          // nothing bound
        }
      }
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

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        workers.execute(() -> serve(client));
      } catch (IOException | RuntimeException e) {
        if (!socket.isClosed()) {
          LOG.debug("%s accept failed: %s", name, e);
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
      int eol = head.indexOf("\r\n");
      String[] parts = (eol < 0 ? head : head.substring(0, eol)).split(" ");
      Response response;
      boolean headOnly = false;
      if (parts.length < 2) {
        response = Response.text(400, "bad request\n");
      } else if (!parts[0].equals("GET") && !parts[0].equals("HEAD")) {
        response = Response.text(405, "only GET and HEAD\n");
      } else {
        headOnly = parts[0].equals("HEAD");
        response = dispatch(parse(parts[0], parts[1]));
      }
      write(client.getOutputStream(), response, headOnly);
    } catch (SocketTimeoutException e) {
      LOG.debug("%s client sent no request in time", name);
    } catch (IOException | RuntimeException e) {
      LOG.debug("%s request failed: %s", name, e);
    }
  }

  private Response dispatch(Request request) {
    Handler h = routes.get(request.path());
    if (h == null) {
      return Response.text(404, "not found; try one of " + new java.util.TreeSet<>(routes.keySet())
          + "\n");
    }
    try {
      return h.handle(request);
    } catch (IllegalArgumentException e) {
      return Response.text(400, e.getMessage() + "\n");
    } catch (RuntimeException e) {
      LOG.debug("%s handler %s failed: %s", name, request.path(), e);
      return Response.text(500, "internal error: " + e + "\n");
    }
  }

  static Request parse(String method, String target) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (String pair : target.substring(q + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = decode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
        query.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    }
    return new Request(method, path, query);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder(256);
    int b;
    while ((b = in.read()) >= 0) {
      head.append((char) b);
      if (head.length() > MAX_HEAD_BYTES) {
        return null;
      }
      int n = head.length();
      if (b == '\n' && n >= 4 && head.charAt(n - 2) == '\r' && head.charAt(n - 3) == '\n'
          && head.charAt(n - 4) == '\r') {
        return head.toString();
      }
    }
    return null;
  }

  private static void write(OutputStream out, Response r, boolean headOnly) throws IOException {
    byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + r.status() + " " + reason(r.status()) + "\r\n"
        + "Content-Type: " + r.contentType() + "\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Connection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    if (!headOnly) {
      out.write(body);
    }
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("%s close failed: %s", name, e);
    }
    workers.shutdown();
  }
}
