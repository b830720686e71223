package io.inmesh.policies.header;

import io.inmesh.policies.RequestView;
import io.inmesh.policies.cluster.Endpoint;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A header value from {@code HeaderValueOption.header.value}, with Envoy's {@code %...%} command
 * operators compiled once. Supported operators (the ones that are trivial in process):
 * <ul>
 *   <li>{@code %%} a literal percent sign</li>
 *   <li>{@code %HOSTNAME%} this machine's host name</li>
 *   <li>{@code %REQ(name)%} a request header (empty when absent)</li>
 *   <li>{@code %UPSTREAM_REMOTE_ADDRESS%} the picked endpoint's {@code host:port}</li>
 *   <li>{@code %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%} and
 *       {@code %DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%}: the application's own IP
 *       ({@link RequestView#sourceIp()}), since in process the application is the downstream</li>
 * </ul>
 * Any other operator is rejected ({@link IllegalArgumentException}), so the resource is NACKed
 * rather than sent with a literal {@code %START_TIME%}.
 */
public final class HeaderValue {

  private enum Op { HOSTNAME, REQ, UPSTREAM_REMOTE_ADDRESS, SOURCE_IP }

  private record Part(String literal, Op op, String arg) {}

  private final String raw;
  private final String literal;
  private final List<Part> parts;

  private HeaderValue(String raw, String literal, List<Part> parts) {
    this.raw = raw;
    this.literal = literal;
    this.parts = parts;
  }

  public static HeaderValue literal(String value) {
    return new HeaderValue(value, value, List.of());
  }

  /** Compiles a value; throws IllegalArgumentException for an unsupported operator. */
  public static HeaderValue parse(String value) {
    if (value.indexOf('%') < 0) {
      return literal(value);
    }
    List<Part> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c != '%') {
        text.append(c);
        i++;
        continue;
      }
      if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
        text.append('%');
        i += 2;
        continue;
      }
      int close = value.indexOf('%', i + 1);
      if (close < 0) {
        throw new IllegalArgumentException("unterminated % operator in header value '" + value
            + "'");
      }
      String command = value.substring(i + 1, close);
      Part part = operator(command, value);
      if (text.length() > 0) {
        parts.add(new Part(text.toString(), null, null));
        text.setLength(0);
      }
      parts.add(part);
      i = close + 1;
    }
    if (parts.isEmpty()) {
      return literal(text.toString());
    }
    if (text.length() > 0) {
      parts.add(new Part(text.toString(), null, null));
    }
    return new HeaderValue(value, null, List.copyOf(parts));
  }

  private static Part operator(String command, String value) {
    switch (command) {
      case "HOSTNAME":
        return new Part(hostName(), null, null);
      case "UPSTREAM_REMOTE_ADDRESS":
        return new Part(null, Op.UPSTREAM_REMOTE_ADDRESS, null);
      case "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT":
      case "DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT":
        return new Part(null, Op.SOURCE_IP, null);
      default:
        if (command.startsWith("REQ(") && command.endsWith(")") && command.length() > 5) {
          String name = command.substring(4, command.length() - 1);
          if (name.indexOf(':', 1) >= 0) {
            throw new IllegalArgumentException("%REQ(...)% with a length limit is not supported: '"
                + value + "'");
          }
          return new Part(null, Op.REQ, name.toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("header value operator %" + command
            + "% is not supported (supported: %%, %HOSTNAME%, %REQ(name)%,"
            + " %UPSTREAM_REMOTE_ADDRESS%, %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%,"
            + " %DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%)");
    }
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isEmpty()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "";
    }
  }

  /** True when the value has no operator: {@link #resolve} returns it without work. */
  public boolean isLiteral() {
    return literal != null;
  }

  /** The configured text, operators unexpanded. */
  public String raw() {
    return raw;
  }

  /**
   * The value for this request.
   *
   * @param endpoint the picked endpoint, or null (local replies)
   */
  public String resolve(RequestView request, Endpoint endpoint) {
    if (literal != null) {
      return literal;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      if (p.op() == null) {
        out.append(p.literal());
        continue;
      }
      String v = switch (p.op()) {
        case REQ -> request.header(p.arg());
        case UPSTREAM_REMOTE_ADDRESS -> endpoint == null ? null : endpoint.address();
        case SOURCE_IP -> request.sourceIp();
        default -> null;
      };
      if (v != null) {
        out.append(v);
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return raw;
  }
}
