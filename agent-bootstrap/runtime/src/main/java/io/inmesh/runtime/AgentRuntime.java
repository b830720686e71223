package io.inmesh.runtime;

import io.inmesh.policies.log.AgentLog;
import com.google.protobuf.Value;
import io.inmesh.xds.bootstrap.Bootstrap;
import io.inmesh.xds.bootstrap.BootstrapException;
import io.inmesh.xds.bootstrap.BootstrapLocator;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.Optional;

/**
 * Starts the agent inside its isolated class loader (called reflectively by
 * {@code io.inmesh.agent.InmeshAgent}): configuration, bootstrap, xDS client, then
 * {@link MeshActivation}. Every failure ends in one clear log line and an idle agent; nothing
 * propagates to the application.
 *
 * <p>This class must not reference the bootstrap API ({@code io.inmesh.api}): it is not on the
 * bootstrap class path until {@code appendBootstrapApi} has run.
 */
public final class AgentRuntime {

  private static final AgentLog LOG = AgentLog.get(AgentRuntime.class);

  private AgentRuntime() {}

  public static void start(String agentArgs, Instrumentation inst, File agentJar,
      Runnable appendBootstrapApi) {
    long started = System.nanoTime();
    try {
      AgentConfig config;
      try {
        config = AgentConfig.from(agentArgs, System.getenv());
        AgentLog.setThreshold(config.logLevel());
      } catch (IllegalArgumentException e) {
        LOG.error("Inmesh %s: bad agent configuration: %s; the application runs without the mesh",
            version(), e.getMessage());
        return;
      }
      Optional<Bootstrap> bootstrap;
      try {
        bootstrap = new BootstrapLocator().locate(config.bootstrap(), System.getenv());
      } catch (BootstrapException e) {
        LOG.error("Inmesh %s: %s; the application runs without the mesh", version(),
            e.getMessage());
        return;
      }
      if (bootstrap.isEmpty()) {
        LOG.info("Inmesh %s: no xDS bootstrap (agent argument bootstrap=, %s or %s): the"
            + " application runs without the mesh", version(), BootstrapLocator.ENV_FILE,
            BootstrapLocator.ENV_CONFIG);
        return;
      }
      LOG.info("Inmesh %s from %s: xDS server %s, %s", version(), agentJar,
          bootstrap.get().server().uri().raw(), config.describe());
      LOG.debug("bootstrap read after %d ms", (System.nanoTime() - started) / 1_000_000);
      XdsMeshSource source = new XdsMeshSource(bootstrap.get(), config);
      long beforeActivation = System.nanoTime();
      BootstrapApiInjection.run(inst, agentJar, appendBootstrapApi);
      MeshRuntime runtime = MeshActivation.activate(inst, AgentRuntime.class.getClassLoader(),
          source, config, instanceIp(bootstrap.get()));
      // before the xDS client connects, so no routed call can miss it; files are read on first use
      runtime.tls(new io.inmesh.runtime.tls.ClientTlsContexts(
          bootstrap.get().certificateProviders()));
      // Connect after instrumenting: the client's class loading then overlaps the application's
      // start instead of competing with premain for the CPU; telemetry follows on that thread.
      Bootstrap found = bootstrap.get();
      AgentShutdown shutdown = AgentShutdown.register(source, runtime.replies());
      source.connect(() -> shutdown.telemetry(TelemetryStart.start(config, found, source,
          runtime)));
      LOG.debug("started in %d ms (bootstrap API and instrumentation from %d ms)",
          (System.nanoTime() - started) / 1_000_000, (beforeActivation - started) / 1_000_000);
    } catch (Throwable t) {
      LOG.error(t, "failed to start, the application runs without the mesh");
    }
  }

  /** The workload's IP from the node metadata pilot-agent writes ({@code INSTANCE_IPS}), or null. */
  static String instanceIp(Bootstrap bootstrap) {
    Value ips = bootstrap.node().getMetadata().getFieldsMap().get("INSTANCE_IPS");
    if (ips == null || ips.getStringValue().isBlank()) {
      return null;
    }
    return ips.getStringValue().split(",")[0].trim();
  }

  static String version() {
    String v = AgentRuntime.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0" : v;
  }
}
