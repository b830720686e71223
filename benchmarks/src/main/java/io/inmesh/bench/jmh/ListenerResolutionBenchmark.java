package io.inmesh.bench.jmh;

import io.inmesh.policies.listener.FilterChain;
import io.inmesh.policies.listener.FilterChainMatch;
import io.inmesh.policies.listener.NameTable;
import io.inmesh.policies.listener.OutboundListener;
import io.inmesh.policies.listener.OutboundListeners;
import io.inmesh.policies.listener.TcpProxy;
import io.inmesh.policies.route.RouteTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Sidecar mode's step before routing: an HTTP call's destination to the route table of its
 * listener ({@code 0.0.0.0_9080}, or {@code VIP_PORT}), and a TCP connection's to its filter chain,
 * over a mesh of 1,000 services (800 HTTP on {@code 0.0.0.0_9080}, 200 TCP on their own
 * {@code VIP_5432} listeners) with Istio's name table. Run by {@code bench/jmh} with
 * {@code -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ListenerResolutionBenchmark {

  private final OutboundListeners listeners;
  private final byte[] tcpVip = {127, 96, 3, (byte) 150};

  public ListenerResolutionBenchmark() {
    RouteTable routes9080 = new RouteTable("9080", List.of());
    FilterChain http = new FilterChain("http", new FilterChainMatch(0, List.of(), List.of(), "",
        Set.of(OutboundListener.HTTP1, OutboundListener.H2C), false), routes9080, null, null);
    FilterChain passthrough = new FilterChain("PassthroughFilterChain", FilterChainMatch.ANY,
        null, new TcpProxy("PassthroughCluster", "PassthroughCluster", List.of()), null);
    List<OutboundListener> all = new ArrayList<>();
    all.add(new OutboundListener("0.0.0.0_9080", new byte[4], 9080, List.of(http), passthrough));
    Map<String, List<byte[]>> names = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      byte[] vip = {127, 96, (byte) (i >> 8), (byte) i};
      String host = "svc-" + i + ".ns-" + (i % 20) + ".svc.cluster.local";
      names.put(host, List.of(vip));
      if (i >= 800) {
        String cluster = "outbound|5432||" + host;
        all.add(new OutboundListener(vip[0] + "." + vip[1] + "." + vip[2] + "." + (vip[3] & 0xff)
            + "_5432", vip, 5432, List.of(new FilterChain(cluster, FilterChainMatch.ANY, null,
                new TcpProxy(cluster, cluster, List.of()), null)), null));
      }
    }
    listeners = new OutboundListeners(all, null, new NameTable(names),
        Set.of("PassthroughCluster"));
  }

  /** A name the name table resolves to its VIP, whose port has only the wildcard listener. */
  @Benchmark
  public RouteTable httpByName() {
    return listeners.httpRoutes("svc-512.ns-12.svc.cluster.local", 9080);
  }

  /** A name only DNS would know: the port's wildcard listener. */
  @Benchmark
  public RouteTable httpByNameWithoutNameTable() {
    return listeners.httpRoutes("reviews", 9080);
  }

  /** A connection to a TCP service's VIP (once per connection, not per call). */
  @Benchmark
  public FilterChain tcpByVip() {
    return listeners.tcpChain(tcpVip, 5432);
  }
}
