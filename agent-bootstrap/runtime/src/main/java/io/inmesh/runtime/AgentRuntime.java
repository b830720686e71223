package io.inmesh.runtime;

import io.inmesh.api.Mesh;
import io.inmesh.instrumentation.ClientInstrumentation;
import io.inmesh.policies.log.AgentLog;
import io.inmesh.xds.bootstrap.Bootstrap;
import io.inmesh.xds.bootstrap.BootstrapException;
import io.inmesh.xds.bootstrap.BootstrapLocator;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.Optional;

/**
 * Starts the agent inside its isolated class loader (called reflectively by
 * {@code io.inmesh.agent.InmeshAgent}): configuration, bootstrap, xDS client, instrumentation.
 * Every failure ends in one clear log line and an idle agent; nothing propagates to the
 * application.
 */
public final class AgentRuntime {

  private static final AgentLog LOG = AgentLog.get(AgentRuntime.class);

  private AgentRuntime() {}

  public static void start(String agentArgs, Instrumentation inst, File agentJar) {
    try {
      AgentConfig config;
      try {
        config = AgentConfig.from(agentArgs, System.getenv());
        AgentLog.setThreshold(config.logLevel());
      } catch (IllegalArgumentException e) {
        LOG.error("bad agent configuration: %s; the application runs without the mesh",
            e.getMessage());
        return;
      }
      LOG.info("Inmesh %s from %s: %s", version(), agentJar, config.describe());
      if (!config.enabled()) {
        return;
      }
      Optional<Bootstrap> bootstrap;
      try {
        bootstrap = new BootstrapLocator().locate(config.bootstrap(), System.getenv());
      } catch (BootstrapException e) {
        LOG.error("%s; the application runs without the mesh", e.getMessage());
        return;
      }
      if (bootstrap.isEmpty()) {
        LOG.info("no xDS bootstrap (agent argument bootstrap=, %s or %s): the application runs"
            + " without the mesh", BootstrapLocator.ENV_FILE, BootstrapLocator.ENV_CONFIG);
        return;
      }
      MeshSource source = XdsMeshSource.start(bootstrap.get(), config);
      ClientInstrumentation.install(inst, AgentRuntime.class.getClassLoader(),
          ClientInstrumentation.all());
      Mesh.install(new MeshRuntime(source, config.exclusions()));
    } catch (Throwable t) {
      LOG.error(t, "failed to start, the application runs without the mesh");
    }
  }

  static String version() {
    String v = AgentRuntime.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
