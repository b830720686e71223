package io.inmesh.telemetry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 POST on a plain socket ({@code Connection: close}), for the agent's own exports.
 * Not the JDK's HttpClient, HttpURLConnection, OkHttp or Apache: the agent's advice instruments
 * those, and would route, count and log its own exports. An export every few hundred
 * milliseconds needs no connection pool.
 */
public final class SocketPost {

  private static final int MAX_REPLY = 64 * 1024;
  private static final String[] NO_HEADERS = new String[0];

  private final URI endpoint;
  private final boolean tls;
  private final int port;
  private final String head;
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;
  private final SSLContext tlsContext;

  /**
   * The collector's answer: status, reason phrase and the start of the body (bounded).
   */
  public record Reply(int status, String reason, byte[] bytes) {
    public String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /**
   * @param endpoint an {@code http} or {@code https} URL
   * @param contentType the body's media type
   * @param headers extra header lines, each {@code Name: value}, without line ends
   */
  public SocketPost(URI endpoint, String contentType, String[] headers, int connectTimeoutMillis,
      int readTimeoutMillis) {
    this(endpoint, contentType, headers, connectTimeoutMillis, readTimeoutMillis, null);
  }

  /** @param tlsContext for {@code https}: the context to verify the collector with, or null */
  public SocketPost(URI endpoint, String contentType, String[] headers, int connectTimeoutMillis,
      int readTimeoutMillis, SSLContext tlsContext) {
    String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
      throw new IllegalArgumentException("not an http(s) URL with a host: " + endpoint);
    }
    this.endpoint = endpoint;
    this.tls = scheme.equals("https");
    this.port = endpoint.getPort() > 0 ? endpoint.getPort() : tls ? 443 : 80;
    String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/"
        : endpoint.getRawPath();
    if (endpoint.getRawQuery() != null) {
      path += "?" + endpoint.getRawQuery();
    }
    StringBuilder h = new StringBuilder(256)
        .append("POST ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(endpoint.getHost())
        .append(endpoint.getPort() > 0 ? ":" + endpoint.getPort() : "").append("\r\n")
        .append("Content-Type: ").append(contentType).append("\r\n")
        .append("User-Agent: inmesh\r\n")
        .append("Connection: close\r\n");
    appendHeaders(h, headers);
    this.head = h.toString();
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.readTimeoutMillis = readTimeoutMillis;
    this.tlsContext = tlsContext;
  }

  private static void appendHeaders(StringBuilder head, String[] lines) {
    for (String line : lines) {
      if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("a header line holds a line break");
      }
      head.append(line).append("\r\n");
    }
  }

  /** Sends {@code body[0, length)} and reads the answer. */
  public Reply post(byte[] body, int length) throws IOException {
    return post(body, length, NO_HEADERS);
  }

  /**
   * @param headers header lines for this request only, each {@code Name: value}
   */
  public Reply post(byte[] body, int length, String[] headers) throws IOException {
    StringBuilder h = new StringBuilder(head);
    appendHeaders(h, headers);
    byte[] start = h.append("Content-Length: ").append(length).append("\r\n\r\n").toString()
        .getBytes(StandardCharsets.ISO_8859_1);
    try (Socket socket = open()) {
      OutputStream out = socket.getOutputStream();
      out.write(start);
      out.write(body, 0, length);
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()));
    }
  }

  private Socket open() throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(endpoint.getHost(), port), connectTimeoutMillis);
      plain.setSoTimeout(readTimeoutMillis);
      if (!tls) {
        return plain;
      }
      SSLContext context = tlsContext != null ? tlsContext : SSLContext.getDefault();
      SSLSocket socket = (SSLSocket) context.getSocketFactory()
          .createSocket(plain, endpoint.getHost(), port, true);
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(params);
      socket.startHandshake();
      return socket;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      plain.close();
      throw e instanceof IOException io ? io : new IOException(e);
    }
  }

  /** The status line, the headers (skipped), and the body up to the close (bounded). */
  private static Reply read(InputStream in) throws IOException {
    String status = line(in);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP response: " + status);
    }
    int code;
    try {
      code = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status: " + status);
    }
    String reason = parts.length > 2 ? parts[2] : "";
    int length = -1;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        try {
          length = Integer.parseInt(h.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          length = -1;
        }
      }
    }
    byte[] body;
    try {
      body = in.readNBytes(length >= 0 ? Math.min(length, MAX_REPLY) : MAX_REPLY);
    } catch (IOException e) {
      // the status decides; a body that never ends (a server keeping the connection) is not
      // worth a resend
      body = new byte[0];
    }
    return new Reply(code, reason, body);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c == -1) {
        if (sb.length() == 0) {
          throw new IOException("connection closed before the response");
        }
        break;
      }
      if (c != '\r') {
        sb.append((char) c);
      }
      if (sb.length() > 8192) {
        throw new IOException("response line too long");
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return endpoint.toString();
  }
}
