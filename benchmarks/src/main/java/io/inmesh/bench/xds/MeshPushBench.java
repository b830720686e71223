package io.inmesh.bench.xds;

import io.inmesh.examples.controlplane.IstiodShapes;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.cluster.Endpoint;
import io.inmesh.policies.listener.FilterChain;
import io.inmesh.policies.route.ClusterSpecifier;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteAction;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.policies.route.VirtualHost;
import io.inmesh.xds.bootstrap.BootstrapParser;
import io.inmesh.xds.client.XdsClient;
import io.inmesh.xds.client.XdsClientSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The whole-mesh cases of {@link XdsUpdateBench}: {@code sidecar:N} (a sidecar-shaped client, no
 * {@code GENERATOR} in its node metadata, given all of {@link SidecarMesh}) and
 * {@code proxyless:N} (a proxyless client watching all N services as targets). Prints
 *
 * <pre>XDS kind=sidecar size=1000 endpoints=10000 initial_ms=.. initial_apply_ms=.. update_ms=..
 *     update_apply_ms=.. initial_cpu_ms=.. initial_responses=.. update_cpu_ms=.. server_ms=..
 *     snapshot_kib=..
 *     heap_kib=.. nacks=0</pre>
 *
 * ({@code initial_ms}, {@code update_ms} and {@code heap_kib} mean what they mean in the other
 * cases, so {@code bench/run --xds sidecar:1000} tabulates them too)
 *
 * <ul>
 *   <li>{@code initial_apply_ms}: from the control plane's first response to the client's
 *       snapshot holding every listener, route configuration, cluster and endpoint;
 *       {@code initial_ms} from {@code XdsClient.start} instead.
 *   <li>{@code update_ms}: median over the updates of a full state-of-the-world re-push (every
 *       resource of every type, as istiod pushes) in which one service changed its split, its
 *       outlier detection and one pod; timed from {@code setResources} to the snapshot holding all
 *       three changes. java-control-plane answers CDS, EDS, LDS, RDS in this order, so the RDS
 *       change shows last. The control plane runs in this JVM: {@code server_ms} is the median
 *       time its {@code setResources} took (snapshot, serializing the responses), part of
 *       {@code update_ms}; {@code update_apply_ms} is timed from the push's first response (as
 *       {@code initial_apply_ms}) instead.
 *   <li>{@code initial_cpu_ms}, {@code update_cpu_ms}: CPU time the client's threads spent on the
 *       first load and (median) on one re-push: what it costs the application's cores, whatever
 *       else competes for them. {@code initial_responses}: how many responses the first load
 *       took.
 *   <li>{@code snapshot_kib}: what the last {@link MeshSnapshot} alone retains (class histograms
 *       after full GCs, before and after dropping it, with the client closed);
 *       {@code heap_kib}: what the running client retains in all (snapshot, resource caches,
 *       gRPC channel).
 * </ul>
 * With {@code -Dinmesh.bench.histogram=N} the N classes retaining most of the snapshot, and most
 * of what the running client holds beyond it, are printed first, with {@code -Dinmesh.bench.strings=N} the N fields holding most copies of equal
 * strings ({@link StringCensus}).
 */
final class MeshPushBench {

  private static final Duration TIMEOUT =
      Duration.ofSeconds(Integer.getInteger("inmesh.bench.timeout", 120));
  /** Keeps the snapshot alive, and nothing else, while the client is measured away. */
  private static volatile Object held;

  private MeshPushBench() {}

  static String measure(String kind, int services, int updates) throws Exception {
    SidecarMesh mesh = new SidecarMesh(services);
    boolean sidecar = kind.equals("sidecar");
    String head = "XDS kind=" + kind + " size=" + services + " endpoints="
        + services * SidecarMesh.ENDPOINTS_PER_SERVICE;
    try (LocalControlPlane controlPlane = LocalControlPlane.onLoopback().start()) {
      controlPlane.setResources("g0", resources(mesh, sidecar, 0));
      if (sidecar) {
        controlPlane.setNameTable("n0", mesh.nameTable());
      }
      FirstResponse first = FirstResponse.of(controlPlane, "g0");
      long started = System.nanoTime();
      XdsClient client = XdsClient.start(
          new BootstrapParser().parse(bootstrapJson(controlPlane.serverUri(), sidecar), "bench"),
          XdsClientSettings.defaults().withResourceTimeout(TIMEOUT)
              .withMaxTargets(2 * services));
      try {
        if (!sidecar) {
          for (String target : mesh.targets()) {
            client.watchTarget(target);
          }
        }
        if (!await(client, complete(mesh, sidecar), started)) {
          return head + " failed=initial-timeout " + describe(client.snapshot());
        }
        long done = System.nanoTime();
        long initialCpuMs = TimeUnit.NANOSECONDS.toMillis(clientCpuNanos());
        long initialApplyMs = TimeUnit.NANOSECONDS.toMillis(done - first.sentNanos());
        long initialMs = TimeUnit.NANOSECONDS.toMillis(done - started);
        int initialResponses = controlPlane.sentResponses().size();
        long[] micros = new long[updates];
        long[] cpuMicros = new long[updates];
        long[] serverMicros = new long[updates];
        long[] applyMicros = new long[updates];
        for (int u = 1; u <= updates; u++) {
          XdsResources next = resources(mesh, sidecar, u);
          long cpu0 = clientCpuNanos();
          FirstResponse pushed = FirstResponse.of(controlPlane, "g" + u);
          long t0 = System.nanoTime();
          controlPlane.setResources("g" + u, next);
          serverMicros[u - 1] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
          if (!await(client, applied(mesh, sidecar, u), t0)) {
            return head + " failed=update-timeout " + describe(client.snapshot());
          }
          long applied = System.nanoTime();
          micros[u - 1] = TimeUnit.NANOSECONDS.toMicros(applied - t0);
          applyMicros[u - 1] = TimeUnit.NANOSECONDS.toMicros(applied - pushed.sentNanos());
          cpuMicros[u - 1] = TimeUnit.NANOSECONDS.toMicros(clientCpuNanos() - cpu0);
        }
        Arrays.sort(micros);
        Arrays.sort(cpuMicros);
        Arrays.sort(serverMicros);
        Arrays.sort(applyMicros);
        HeapHistogram running = HeapHistogram.take();
        held = client.snapshot();
        client.close();
        client = null;
        // gRPC releases its shared event loop a second after the channel, Netty's threads end
        // after a quiet period of two more.
        Thread.sleep(4000);
        HeapHistogram snapshotOnly = HeapHistogram.take();
        int census = Integer.getInteger("inmesh.bench.strings", 0);
        if (census > 0) {
          System.out.println("# " + kind + ":" + services + " strings in the snapshot:");
          System.out.print(StringCensus.of(held, census));
        }
        held = null;
        HeapHistogram none = HeapHistogram.take();
        int top = Integer.getInteger("inmesh.bench.histogram", 0);
        if (top > 0) {
          System.out.println("# " + kind + ":" + services + " snapshot retains:");
          System.out.print(snapshotOnly.topBeyond(none, top));
          System.out.println("# " + kind + ":" + services + " the running client retains beyond:");
          System.out.print(running.topBeyond(snapshotOnly, top));
        }
        return head + " initial_ms=" + initialMs + " initial_apply_ms=" + initialApplyMs
            + " update_ms=" + millis(micros[updates / 2])
            + " update_apply_ms=" + millis(applyMicros[updates / 2])
            + " initial_cpu_ms=" + initialCpuMs + " initial_responses=" + initialResponses
            + " update_cpu_ms=" + millis(cpuMicros[updates / 2])
            + " server_ms=" + millis(serverMicros[updates / 2])
            + " snapshot_kib=" + (snapshotOnly.totalBytes() - none.totalBytes()) / 1024
            + " heap_kib=" + (running.totalBytes() - none.totalBytes()) / 1024
            + " nacks=" + controlPlane.nackCount();
      } finally {
        if (client != null) {
          client.close();
        }
      }
    }
  }

  /** When the control plane sent the first response of a version (to this JVM's clock). */
  private static final class FirstResponse {
    private final Thread waiter;
    private volatile long sentNanos;

    private FirstResponse(LocalControlPlane controlPlane, String version) {
      waiter = new Thread(() -> {
        try {
          controlPlane.awaitResponse(r -> r.getVersionInfo().equals(version), TIMEOUT);
          sentNanos = System.nanoTime();
        } catch (Exception e) {
          // never sent: the caller's wait for the snapshot times out and says so
        }
      }, "first-response-" + version);
      waiter.setDaemon(true);
      waiter.start();
    }

    static FirstResponse of(LocalControlPlane controlPlane, String version) {
      return new FirstResponse(controlPlane, version);
    }

    /** Waits for the waiter (the snapshot showing the version means it was sent). */
    long sentNanos() throws InterruptedException {
      waiter.join(TIMEOUT.toMillis());
      return sentNanos;
    }
  }

  private static String millis(long micros) {
    return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }

  /**
   * CPU time of the client's own threads so far ({@code inmesh-xds}: decoding and assembling;
   * {@code inmesh-xds-io-*}: the gRPC transport): what a push costs the application's cores,
   * whatever else competes for them.
   */
  private static long clientCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("inmesh-xds")) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  private static XdsResources resources(SidecarMesh mesh, boolean sidecar, int generation) {
    return sidecar ? mesh.sidecar(generation) : mesh.proxyless(generation);
  }

  private static boolean await(XdsClient client, Predicate<MeshSnapshot> done, long since) {
    while (!done.test(client.snapshot())) {
      if (System.nanoTime() - since > TIMEOUT.toNanos()) {
        return false;
      }
      LockSupport.parkNanos(100_000);
    }
    return true;
  }

  /** Every listener, route configuration, cluster and endpoint of the mesh is in the snapshot. */
  private static Predicate<MeshSnapshot> complete(SidecarMesh mesh, boolean sidecar) {
    int last = mesh.services() - 1;
    int lastTcp = last - (last + 1) % 10; // i % 10 == 9: TCP
    int lastPlain = lastTcp - 2; // i % 10 == 7: HTTP, no subsets
    String lastCluster = SidecarMesh.defaultCluster(lastPlain);
    Map<Integer, Integer> hostsByPort = mesh.virtualHostsByPort();
    int listeners = mesh.tcpServices() + hostsByPort.size();
    // A proxyless client asks only for the clusters routes name: not a split service's default.
    int clusters = sidecar ? mesh.edsClusters() : mesh.edsClusters() - mesh.subsetServices();
    return snapshot -> {
      if (snapshot.clusters().size() < clusters
          || !snapshot.clusters().containsKey(lastCluster)) {
        return false;
      }
      if (!sidecar) {
        return snapshot.routesByTarget().size() == mesh.services();
      }
      if (snapshot.listeners().listeners().size() < listeners
          || snapshot.listeners().virtualOutbound() == null
          || snapshot.listeners().names().size() < mesh.services()) {
        return false;
      }
      for (Map.Entry<Integer, Integer> port : hostsByPort.entrySet()) {
        RouteTable table = snapshot.httpRoutes("any:" + port.getKey(), "any", port.getKey());
        // one virtual host per service on the port, and allow_any
        if (table == null || table.virtualHosts().size() != port.getValue() + 1) {
          return false;
        }
      }
      FilterChain tcp = snapshot.listeners().tcpChain(ipBytes(SidecarMesh.vip(lastTcp)),
          SidecarMesh.port(lastTcp));
      return tcp != null && tcp.tcpProxy() != null;
    };
  }

  /** The changed service shows generation {@code g}'s split, outlier detection and pod. */
  private static Predicate<MeshSnapshot> applied(SidecarMesh mesh, boolean sidecar, int g) {
    int changed = mesh.changed();
    String host = SidecarMesh.host(changed);
    int port = SidecarMesh.port(changed);
    String authority = host + ":" + port;
    // v2: routed to in both shapes, and where the moved pod is
    String cluster = IstiodShapes.clusterName(host, port, "v2");
    String movedIp = mesh.movedPodIp(g);
    return snapshot -> {
      ClusterState state = snapshot.clusters().get(cluster);
      if (state == null || state.cluster().outlierDetection() == null
          || state.cluster().outlierDetection().consecutive5xx()
              != SidecarMesh.consecutive5xx(g)) {
        return false;
      }
      boolean moved = false;
      for (Endpoint e : state.endpoints()) {
        moved |= e.host().equals(movedIp);
      }
      if (!moved) {
        return false;
      }
      RouteTable table = snapshot.httpRoutes(authority, host, port);
      VirtualHost vh = table == null ? null : table.select(authority);
      if (vh == null) {
        return false;
      }
      List<Route> routes = vh.routes();
      return routes.get(routes.size() - 1).action() instanceof RouteAction.Forward forward
          && forward.clusters() instanceof ClusterSpecifier.WeightedClusters split
          && split.clusters().get(0).weight() == SidecarMesh.v1Weight(g);
    };
  }

  private static String describe(MeshSnapshot s) {
    return "(snapshot: " + s.routesByTarget().size() + " targets, " + s.clusters().size()
        + " clusters, " + s.listeners().listeners().size() + " listeners)";
  }

  private static byte[] ipBytes(String ip) {
    String[] parts = ip.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      bytes[i] = (byte) Integer.parseInt(parts[i]);
    }
    return bytes;
  }

  /**
   * A bootstrap as Istio's pilot-agent writes it (its certificate provider, whose files nothing
   * reads here: no connection is made); the sidecar one has no {@code GENERATOR}, which makes the
   * client ask for what an Envoy sidecar gets, and asks for the name table as DNS capture does.
   */
  static String bootstrapJson(String serverUri, boolean sidecar) {
    String generator = sidecar ? "\"DNS_CAPTURE\": \"true\", " : "\"GENERATOR\": \"grpc\", ";
    return """
        {
          "xds_servers": [ { "server_uri": "%s", "channel_creds": [ { "type": "insecure" } ],
                             "server_features": [ "xds_v3" ] } ],
          "node": {
            "id": "sidecar~127.0.0.1~bench-app-1.%s~%s.svc.cluster.local",
            "metadata": { %s"NAMESPACE": "%s", "CLUSTER_ID": "Kubernetes" }
          },
          "certificate_providers": { "default": { "plugin_name": "file_watcher", "config": {
            "certificate_file": "/var/lib/istio/data/cert-chain.pem",
            "private_key_file": "/var/lib/istio/data/key.pem",
            "ca_certificate_file": "/var/lib/istio/data/root-cert.pem" } } }
        }
        """.formatted(serverUri, SidecarMesh.CLIENT_NAMESPACE, SidecarMesh.CLIENT_NAMESPACE,
        generator, SidecarMesh.CLIENT_NAMESPACE);
  }
}
