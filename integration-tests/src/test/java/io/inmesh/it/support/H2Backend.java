package io.inmesh.it.support;

import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One version of a service speaking HTTP/1.1 and cleartext HTTP/2 (h2c, by upgrade and with prior
 * knowledge) on one loopback port, as Jetty does. It answers {@code "<version> <authority>
 * <protocol>"}, echoes what it saw as {@link Backend} does, and remembers the client connections
 * (remote ports) that requests came on.
 */
public final class H2Backend implements ServiceBackend {

  private final Server server;
  private final ServerConnector connector;
  private final Set<SocketAddress> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile String lastHost;

  public H2Backend(String version) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("h2-backend-" + version);
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config),
        new HTTP2CServerConnectionFactory(config));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        connections.add(request.getConnectionMetaData().getRemoteSocketAddress());
        requests.incrementAndGet();
        String authority = request.getHttpURI().getAuthority();
        lastHost = authority;
        // what arrived, as Backend reports it, for tests of the route's request changes
        String query = request.getHttpURI().getQuery();
        response.getHeaders().put("x-seen-path",
            request.getHttpURI().getPath() + (query == null ? "" : "?" + query));
        for (HttpField field : request.getHeaders()) {
          String name = field.getLowerCaseName();
          if (name.startsWith("x-")) {
            response.getHeaders().add("x-seen-" + name, field.getValue());
          }
        }
        String body = version + " " + authority + " "
            + request.getConnectionMetaData().getProtocol();
        response.setStatus(200);
        Content.Sink.write(response, true, body, callback);
        return true;
      }
    });
    server.start();
  }

  @Override
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public int requests() {
    return requests.get();
  }

  @Override
  public String lastHost() {
    return lastHost;
  }

  /** The client connections requests arrived on so far. */
  public int connections() {
    return connections.size();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
