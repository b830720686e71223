package io.inmesh.telemetry;

import java.util.regex.Pattern;

/**
 * Istio's destination labels for one call, from the cluster name
 * ({@code outbound|port|subset|host}) and, when known, the endpoint's workload metadata.
 */
record Destination(String service, String serviceName, String serviceNamespace,
    String workload, String workloadNamespace, String principal, String app, String version,
    String canonicalService, String canonicalRevision, String cluster) {

  private static final String UNKNOWN = SourceWorkload.UNKNOWN;
  private static final Pattern VERSION = Pattern.compile("v[0-9][0-9a-z.\\-_]*",
      Pattern.CASE_INSENSITIVE);

  static final Destination NONE = new Destination(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN,
      UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);

  /**
   * From the cluster name, or, without one (a local reply before a cluster was picked), from the
   * target's host.
   */
  static Destination of(String clusterName, String target) {
    String host;
    String subset = null;
    if (clusterName != null && clusterName.indexOf('|') >= 0) {
      String[] p = clusterName.split("\\|", -1);
      if (p.length != 4) {
        return named(clusterName);
      }
      subset = p[2];
      host = p[3];
    } else if (clusterName != null) {
      return named(clusterName);
    } else if (target != null && !target.isEmpty()) {
      host = stripPort(target);
    } else {
      return NONE;
    }
    String name = host;
    String namespace = UNKNOWN;
    // name.namespace.svc.<domain>: a Kubernetes service; anything else (ServiceEntry hosts) is
    // named by its host with the namespace unknown, which Istio only knows from cluster metadata.
    int svc = host.indexOf(".svc.");
    if (svc < 0 && host.endsWith(".svc")) {
      svc = host.length() - 4;
    }
    if (svc > 0) {
      String nameNs = host.substring(0, svc);
      int dot = nameNs.indexOf('.');
      if (dot > 0 && dot == nameNs.lastIndexOf('.')) {
        name = nameNs.substring(0, dot);
        namespace = nameNs.substring(dot + 1);
      }
    }
    String version = subset != null && VERSION.matcher(subset).matches() ? subset : UNKNOWN;
    return new Destination(host, name, namespace, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, version,
        UNKNOWN, UNKNOWN, UNKNOWN);
  }

  /** A non-Istio cluster name (a static or bootstrap cluster): the service is its name. */
  private static Destination named(String cluster) {
    return new Destination(cluster, cluster, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN,
        UNKNOWN, UNKNOWN, UNKNOWN);
  }

  private static String stripPort(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon > 0 && authority.indexOf(']', colon) < 0) {
      return authority.substring(0, colon);
    }
    return authority;
  }

  /** These labels with the server's verified identity ({@code destination_principal}). */
  Destination withPrincipal(String peer) {
    return new Destination(service, serviceName, serviceNamespace, workload, workloadNamespace,
        peer, app, version, canonicalService, canonicalRevision, cluster);
  }

  /** These labels with the endpoint's workload; Istio's app and version are its canonical ones. */
  Destination with(DestinationWorkload w) {
    if (w == null) {
      return this;
    }
    return new Destination(service, serviceName,
        UNKNOWN.equals(serviceNamespace) ? w.namespace() : serviceNamespace, w.name(),
        w.namespace(), principal, w.canonicalService(), w.canonicalRevision(),
        w.canonicalService(), w.canonicalRevision(), w.cluster());
  }
}
