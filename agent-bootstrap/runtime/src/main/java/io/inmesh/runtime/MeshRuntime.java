package io.inmesh.runtime;

import io.inmesh.api.Decision;
import io.inmesh.api.MeshHandler;
import io.inmesh.api.MeshRequest;
import io.inmesh.policies.Router;
import io.inmesh.policies.Routing;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.policies.route.RouteTable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The data plane behind {@link io.inmesh.api.Mesh#outbound}: exclusions, the target's route table,
 * the router, and the decision advice applies.
 */
final class MeshRuntime implements MeshHandler {

  private static final AgentLog LOG = AgentLog.get(MeshRuntime.class);

  private final MeshSource source;
  private final Exclusions exclusions;
  private final LocalReplyServer replies;
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  /** @param replies the local reply server, or null when it could not start */
  MeshRuntime(MeshSource source, Exclusions exclusions, LocalReplyServer replies) {
    this.source = source;
    this.exclusions = exclusions;
    this.replies = replies;
  }

  @Override
  public Decision outbound(MeshRequest request) {
    String host = request.host();
    int port = request.port();
    if (host == null || exclusions.excludes(host, port)) {
      return null;
    }
    String target = host + ":" + port;
    RouteTable table = source.routesFor(target);
    if (table == null) {
      return null;
    }
    Routing routing = Router.route(source.snapshot(), table,
        new HttpRequestView(request, authority(request)));
    String detail = target + " route=" + routing.route() + " cluster=" + routing.cluster();
    if (routing.result() != Routing.Result.ROUTED) {
      return localReply(routing.result().httpStatus(), routing.result().responseFlag(),
          envoyBody(routing.result()), detail);
    }
    Endpoint endpoint = routing.endpoint();
    try {
      InetAddress ip = InetAddress.getByName(endpoint.host());
      InetAddress named = InetAddress.getByAddress(host, ip.getAddress());
      return Decision.route(new InetSocketAddress(named, endpoint.port()),
          new InetSocketAddress(ip, endpoint.port()), null, detail);
    } catch (UnknownHostException e) {
      return localReply(503, "UH", "no healthy upstream", detail + ": endpoint "
          + endpoint.address() + " does not resolve");
    }
  }

  private Decision localReply(int status, String flags, String body, String detail) {
    if (replies == null) {
      return Decision.localReply(null, null, status, flags, detail);
    }
    String path = replies.register(
        new LocalReplyServer.LocalReply(status, flags, new String[0], body));
    return Decision.localReply(replies.address(), path, status, flags, detail);
  }

  /** The bodies Envoy answers with (404 NR has none). */
  private static String envoyBody(Routing.Result result) {
    return result == Routing.Result.NO_HEALTHY_UPSTREAM ? "no healthy upstream" : "";
  }

  /** The Host header the application's request carries: host, plus the port unless default. */
  private static String authority(MeshRequest request) {
    int dflt = MeshRequest.portOrDefault(-1, request.scheme());
    return request.port() == dflt ? request.host() : request.host() + ":" + request.port();
  }

  @Override
  public void failed(Throwable error) {
    if (failureLogged.compareAndSet(false, true)) {
      LOG.error(error, "routing failed, the call passes through (logged once)");
    }
  }
}
