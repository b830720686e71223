package io.inmesh.xds.bootstrap;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * {@code xds_servers[].server_uri} as a gRPC target: {@code host:port} and {@code dns:///host:port}
 * become {@code dns:///host:port}; {@code unix:///path} keeps its scheme with the path normalised.
 * pilot-agent writes {@code unix:///./etc/istio/proxy/XDS}: the URI path is then
 * {@code /./etc/istio/proxy/XDS}, which normalises to the mounted socket {@code /etc/istio/proxy/XDS}.
 *
 * @param raw as written in the bootstrap
 * @param target what to hand to the gRPC channel builder
 */
public record ServerUri(String raw, String target) {

  public boolean isUnixSocket() {
    return target.startsWith("unix:");
  }

  static ServerUri parse(String raw) throws IllegalArgumentException {
    String value = raw.trim();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("server_uri is empty");
    }
    if (value.startsWith("unix:")) {
      String path = value.startsWith("unix://") ? value.substring("unix://".length())
          : value.substring("unix:".length());
      if (path.isEmpty()) {
        throw new IllegalArgumentException("server_uri '" + raw + "' has no socket path");
      }
      if (!path.startsWith("/")) {
        // unix:relative/path (gRPC's one-slash form) is relative to the working directory.
        path = Path.of(path).toAbsolutePath().toString();
      }
      return new ServerUri(raw, "unix://" + Path.of(path).normalize());
    }
    String authority;
    if (value.startsWith("dns:")) {
      try {
        URI uri = new URI(value);
        String path = uri.getPath();
        authority = path == null ? "" : path.startsWith("/") ? path.substring(1) : path;
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("server_uri '" + raw + "' is not a valid URI: "
            + e.getMessage());
      }
    } else if (value.contains("://")) {
      throw new IllegalArgumentException("server_uri '" + raw
          + "' has an unsupported scheme (supported: host:port, dns:///host:port, unix:///path)");
    } else {
      authority = value;
    }
    if (authority.isEmpty()) {
      throw new IllegalArgumentException("server_uri '" + raw + "' has no host");
    }
    return new ServerUri(raw, "dns:///" + authority);
  }
}
