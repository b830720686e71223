package io.inmesh.telemetry;

import java.net.InetSocketAddress;
import java.util.Set;

/** Child JVM for {@link ServerLifecycleTest}: starts everything, then returns from main. */
public final class ServersMain {

  public static void main(String[] args) throws Exception {
    InetSocketAddress busy = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
    Telemetry t = Telemetry.start(new TelemetryConfig(new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0),
            new AccessLogConfig("stdout", Set.of(), 1.0, 100), 0),
        SourceWorkload.UNKNOWN_WORKLOAD, EndpointMetadata.NONE, AgentHealth.NONE, () -> null);
    t.listener().onCall(Calls.ok(Calls.REVIEWS_V1, 200, 1, 1, 1));
    MetricsServer.start(busy, t.metrics());
    System.out.println("served " + Http.get(t.adminAddress(), "/healthz").status() + " "
        + Http.get(t.metricsAddress(), "/stats/prometheus").status());
    System.out.println("main returns");
  }
}
