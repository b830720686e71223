package io.inmesh.runtime;

import io.inmesh.api.MeshRequest;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.policies.tls.UpstreamTls;
import io.inmesh.runtime.tls.ClientTls;
import io.inmesh.runtime.tls.ClientTlsContexts;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The routing step that applies the picked endpoint's {@code UpstreamTlsContext} to a routed call
 * (the cluster's {@code transport_socket}, or its {@code transport_socket_matches} entry for the
 * endpoint's metadata, see {@link io.inmesh.policies.cluster.UpstreamCluster#tlsFor}): the
 * {@link ClientTls} the client must open to the endpoint, or a refusal when the certificates it
 * needs cannot be read (never plaintext: a cluster that requires TLS is called with TLS or not at
 * all). A call the application itself makes over {@code https://} keeps its own TLS: TLS inside
 * TLS is not something the instrumented clients can do, so the mesh's is not applied to it.
 */
final class UpstreamTlsStep {

  private static final AgentLog LOG = AgentLog.get(UpstreamTlsStep.class);

  /** Why a call to a TLS cluster cannot be made; the message names the cluster and the cause. */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  private volatile ClientTlsContexts contexts;
  private final Map<String, String> loggedRefusals = new ConcurrentHashMap<>();

  void contexts(ClientTlsContexts tlsContexts) {
    contexts = tlsContexts;
  }

  ClientTlsContexts contexts() {
    return contexts;
  }

  /**
   * @param endpoint the endpoint the call goes to
   * @return the TLS for the call, or null when the endpoint is called in plaintext or the
   *     application already speaks TLS
   * @throws Unavailable when the endpoint needs TLS that cannot be set up now
   */
  ClientTls forCall(MeshSnapshot snapshot, String cluster, Endpoint endpoint,
      MeshRequest request) throws Unavailable {
    ClusterState state = cluster == null ? null : snapshot.clusters().get(cluster);
    UpstreamTls tls = state == null ? null : state.cluster().tlsFor(endpoint);
    if (tls == null || "https".equalsIgnoreCase(request.scheme())) {
      return null;
    }
    if (!request.opensMeshTls()) {
      throw refused(cluster, "this HTTP client cannot open it yet");
    }
    return forEndpoint(tls, cluster);
  }

  /**
   * The usable TLS for {@code tls}, an endpoint's transport socket: for an HTTP call, or for a TCP
   * connection the mesh routes ({@link TcpRouting}).
   *
   * @throws Unavailable when it cannot be set up now (logged once per cluster and cause)
   */
  ClientTls forEndpoint(UpstreamTls tls, String cluster) throws Unavailable {
    ClientTlsContexts c = contexts;
    String problem;
    ClientTls client = null;
    if (c == null) {
      problem = "TLS is not set up yet";
    } else {
      try {
        client = c.forCluster(tls, cluster);
        problem = client.unusable();
      } catch (RuntimeException e) {
        // whatever went wrong, the call must not fall back to plaintext
        problem = "its TLS cannot be set up: " + e;
      }
    }
    if (problem == null) {
      loggedRefusals.remove(cluster);
      return client;
    }
    throw refused(cluster, problem);
  }

  private Unavailable refused(String cluster, String problem) {
    if (!problem.equals(loggedRefusals.put(cluster, problem))) {
      // one line per cluster and cause, not one per call
      LOG.error("cluster %s requires TLS but %s: its calls fail with 503 UF (its TCP connections"
          + " are refused), never in plaintext", cluster, problem);
    }
    return new Unavailable("upstream TLS unavailable: " + problem);
  }
}
