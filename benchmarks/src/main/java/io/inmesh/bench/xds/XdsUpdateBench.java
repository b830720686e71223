package io.inmesh.bench.xds;

import io.inmesh.bench.harness.MeshXds;
import io.inmesh.examples.controlplane.LocalControlPlane;
import io.inmesh.examples.controlplane.XdsResources;
import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.cluster.ClusterState;
import io.inmesh.policies.route.ClusterSpecifier;
import io.inmesh.policies.route.Route;
import io.inmesh.policies.route.RouteAction;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.xds.bootstrap.BootstrapParser;
import io.inmesh.xds.client.TargetState;
import io.inmesh.xds.client.XdsClient;
import io.inmesh.xds.client.XdsClientSettings;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.List;
import java.util.function.Predicate;

/**
 * How long the real xDS client takes to apply an update to a large mesh, and how much heap the
 * decoded tables hold. Runs in a JVM of its own (the harness starts it) so the heap it reads holds
 * nothing else: a local control plane serving {@link LargeMesh}, then the client.
 *
 * <pre>XdsUpdateBench UPDATES routes:1000 routes:10000 endpoints:10000 endpoints:100000</pre>
 *
 * The whole-mesh cases {@code sidecar:SERVICES} and {@code proxyless:SERVICES} are
 * {@link MeshPushBench}'s.
 *
 * Prints one {@code XDS kind=.. size=.. initial_ms=.. update_ms=.. heap_kib=..} line per case;
 * {@code update_ms} is the median over UPDATES updates, each timed from the control plane's
 * {@code setResources} to the client's snapshot holding the change.
 */
public final class XdsUpdateBench {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private XdsUpdateBench() {}

  public static void main(String[] args) throws Exception {
    int updates = Integer.parseInt(args[0]);
    for (String scenario : Arrays.copyOfRange(args, 1, args.length)) {
      String[] kindAndSize = scenario.split(":");
      int size = Integer.parseInt(kindAndSize[1]);
      if (kindAndSize[0].equals("sidecar") || kindAndSize[0].equals("proxyless")) {
        System.out.println(MeshPushBench.measure(kindAndSize[0], size, updates));
        continue;
      }
      boolean routes = kindAndSize[0].equals("routes");
      // Routes: 100 virtual hosts, 20 clusters of 5. Endpoints: 100 routes over 100 clusters.
      LargeMesh mesh = routes ? new LargeMesh(100, size / 100, 20, 5)
          : new LargeMesh(1, 100, 100, size / 100);
      System.out.println(measure(kindAndSize[0], size, mesh, routes, updates));
    }
  }

  private static String measure(String kind, int size, LargeMesh mesh, boolean routes,
      int updates) throws Exception {
    try (LocalControlPlane controlPlane = LocalControlPlane.onLoopback().start()) {
      controlPlane.setResources("g0", mesh.resources(0, 0));
      long baseline = heapAfterGc();
      long started = System.nanoTime();
      XdsClient client = XdsClient.start(
          new BootstrapParser().parse(MeshXds.bootstrapJson(controlPlane.serverUri()), "bench"),
          XdsClientSettings.defaults().withResourceTimeout(TIMEOUT));
      try {
        TargetState state = client.awaitTarget(mesh.target(), TIMEOUT.toNanos());
        if (state != TargetState.RESOLVED) {
          return "XDS kind=" + kind + " size=" + size + " failed=" + state;
        }
        long initialMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        long heapKib = (heapAfterGc() - baseline) / 1024;
        // What must show the change: the last route's weights, or the last endpoint's port.
        String lastCluster = io.inmesh.examples.controlplane.IstiodShapes.clusterName(
            LargeMesh.HOST, LargeMesh.PORT, "s" + (mesh.clusters() - 1));
        long[] micros = new long[updates];
        for (int u = 1; u <= updates; u++) {
          XdsResources next = routes ? mesh.resources(u, 0) : mesh.resources(0, u);
          Predicate<MeshSnapshot> applied = routes
              ? routeWeightIs(mesh.target(), LargeMesh.stableWeight(u))
              : lastEndpointPortIs(lastCluster, LargeMesh.endpointPort(u));
          long t0 = System.nanoTime();
          controlPlane.setResources("g" + u, next);
          while (!applied.test(client.snapshot())) {
            if (System.nanoTime() - t0 > TIMEOUT.toNanos()) {
              return "XDS kind=" + kind + " size=" + size + " failed=update-timeout";
            }
            LockSupport.parkNanos(50_000);
          }
          micros[u - 1] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
        }
        Arrays.sort(micros);
        return "XDS kind=" + kind + " size=" + size + " initial_ms=" + initialMs
            + " update_ms=" + String.format(java.util.Locale.ROOT, "%.1f", micros[updates / 2] / 1000.0)
            + " heap_kib=" + heapKib;
      } finally {
        client.close();
      }
    }
  }

  private static Predicate<MeshSnapshot> routeWeightIs(String target, long weight) {
    return snapshot -> {
      RouteTable table = snapshot.routesByTarget().get(target);
      if (table == null) {
        return false;
      }
      List<Route> routes = table.virtualHosts().get(table.virtualHosts().size() - 1).routes();
      RouteAction action = routes.get(routes.size() - 1).action();
      return action instanceof RouteAction.Forward forward
          && forward.clusters() instanceof ClusterSpecifier.WeightedClusters split
          && split.clusters().get(0).weight() == weight;
    };
  }

  private static Predicate<MeshSnapshot> lastEndpointPortIs(String cluster, int port) {
    return snapshot -> {
      ClusterState state = snapshot.clusters().get(cluster);
      return state != null && state.endpoints().get(state.endpoints().size() - 1).port() == port;
    };
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
