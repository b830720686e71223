package io.inmesh.telemetry;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.HashMap;
import java.util.Map;

/**
 * The application's own identity as Istio's source labels name it, derived once from the bootstrap
 * node. pilot-agent writes the node metadata ({@code NAME}, {@code NAMESPACE},
 * {@code WORKLOAD_NAME}, {@code CLUSTER_ID}, {@code LABELS}); a minimal bootstrap carries only the
 * node id {@code sidecar~IP~POD.NS~NS.svc.cluster.local}, from which the workload is guessed by
 * stripping the pod name's generated suffixes.
 *
 * @param principal {@code unknown}: proxyless calls are plaintext, so there is no peer identity
 *     (Istio reports the same for a plaintext source)
 */
public record SourceWorkload(String workload, String namespace, String principal, String app,
    String version, String canonicalService, String canonicalRevision, String cluster) {

  static final String UNKNOWN = "unknown";

  public static final SourceWorkload UNKNOWN_WORKLOAD = new SourceWorkload(UNKNOWN, UNKNOWN,
      UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, "latest", UNKNOWN);

  public SourceWorkload {
    workload = orUnknown(workload);
    namespace = orUnknown(namespace);
    principal = orUnknown(principal);
    app = orUnknown(app);
    version = orUnknown(version);
    canonicalService = orUnknown(canonicalService);
    canonicalRevision = canonicalRevision == null || canonicalRevision.isEmpty()
        ? "latest" : canonicalRevision;
    cluster = orUnknown(cluster);
  }

  /** From the bootstrap node ({@code Bootstrap.node()}): its id and metadata. */
  public static SourceWorkload fromNode(Node node) {
    if (node == null) {
      return UNKNOWN_WORKLOAD;
    }
    return fromMetadata(node.getId(), toMap(node.getMetadata()));
  }

  /**
   * From a node id and its metadata as plain Java values ({@code LABELS} a {@code Map}).
   *
   * @param nodeId the node id, or null
   */
  public static SourceWorkload fromMetadata(String nodeId, Map<String, ?> metadata) {
    Map<String, ?> meta = metadata == null ? Map.of() : metadata;
    Map<?, ?> labels = meta.get("LABELS") instanceof Map<?, ?> m ? m : Map.of();
    String pod = str(meta.get("NAME"));
    String namespace = str(meta.get("NAMESPACE"));
    String[] id = nodeId == null ? new String[0] : nodeId.split("~", -1);
    if (id.length == 4) {
      String podDotNs = id[2];
      int dot = podDotNs.indexOf('.');
      if (pod == null) {
        pod = dot > 0 ? podDotNs.substring(0, dot) : podDotNs;
      }
      if (namespace == null && dot > 0) {
        namespace = podDotNs.substring(dot + 1);
      }
      if (namespace == null && id[3].contains(".")) {
        namespace = id[3].substring(0, id[3].indexOf('.'));
      }
    }
    String workload = str(meta.get("WORKLOAD_NAME"));
    if (workload == null && pod != null) {
      workload = workloadOfPod(pod);
    }
    String app = first(labels, "app", "app.kubernetes.io/name");
    String version = first(labels, "version", "app.kubernetes.io/version");
    // Istio's defaults for the canonical labels (pkg/model/labels): canonical-name, else the app
    // labels, else the workload name; canonical-revision, else the version labels, else latest.
    String canonicalService = first(labels, "service.istio.io/canonical-name",
        "app.kubernetes.io/name", "app");
    if (canonicalService == null) {
      canonicalService = workload;
    }
    String canonicalRevision = first(labels, "service.istio.io/canonical-revision",
        "app.kubernetes.io/version", "version");
    if (canonicalRevision == null) {
      canonicalRevision = "latest";
    }
    return new SourceWorkload(workload, namespace, null, app != null ? app : canonicalService,
        version != null ? version : canonicalRevision, canonicalService, canonicalRevision,
        str(meta.get("CLUSTER_ID")));
  }

  /**
   * The workload of a pod named by a controller: {@code reviews-v1-545db77b95-x2b4c} (Deployment:
   * ReplicaSet hash and pod suffix) gives {@code reviews-v1}; {@code web-0} (StatefulSet) gives
   * {@code web}; {@code job-x2b4c} (Job, DaemonSet) gives {@code job}; anything else is itself.
   */
  static String workloadOfPod(String pod) {
    if (pod.matches(".+-[a-z0-9]{5,10}-[a-z0-9]{5}")) {
      return pod.replaceFirst("-[a-z0-9]{5,10}-[a-z0-9]{5}$", "");
    }
    if (pod.matches(".+-[0-9]+")) {
      return pod.replaceFirst("-[0-9]+$", "");
    }
    if (pod.matches(".+-[a-z0-9]{5}")) {
      return pod.replaceFirst("-[a-z0-9]{5}$", "");
    }
    return pod;
  }

  private static String first(Map<?, ?> labels, String... keys) {
    for (String k : keys) {
      String v = str(labels.get(k));
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String str(Object o) {
    return o instanceof String s && !s.isEmpty() ? s : null;
  }

  private static String orUnknown(String s) {
    return s == null || s.isEmpty() ? UNKNOWN : s;
  }

  private static Map<String, Object> toMap(Struct struct) {
    Map<String, Object> out = new HashMap<>();
    for (Map.Entry<String, Value> e : struct.getFieldsMap().entrySet()) {
      Value v = e.getValue();
      switch (v.getKindCase()) {
        case STRING_VALUE -> out.put(e.getKey(), v.getStringValue());
        case STRUCT_VALUE -> out.put(e.getKey(), toMap(v.getStructValue()));
        case NUMBER_VALUE -> out.put(e.getKey(), String.valueOf(v.getNumberValue()));
        case BOOL_VALUE -> out.put(e.getKey(), String.valueOf(v.getBoolValue()));
        default -> { }
      }
    }
    return out;
  }
}
