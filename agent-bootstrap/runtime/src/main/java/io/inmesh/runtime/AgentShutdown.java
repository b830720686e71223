package io.inmesh.runtime;

import io.inmesh.telemetry.Telemetry;

/**
 * Closes the agent's sockets when the JVM shuts down. Not for tidiness: HotSpot waits up to
 * 300 ms before it exits for every thread still inside a native call, and the agent's threads sit
 * in {@code accept} and {@code epoll_wait}; closed, they leave native code and the JVM exits as
 * fast as without the agent. Calls made by later shutdown hooks pass through.
 */
final class AgentShutdown {

  private volatile Telemetry telemetry;

  private AgentShutdown() {}

  static AgentShutdown register(XdsMeshSource source, LocalReplyServer replies) {
    AgentShutdown shutdown = new AgentShutdown();
    Thread hook = new Thread(() -> {
      try {
        Telemetry t = shutdown.telemetry;
        if (t != null) {
          t.close();
        }
        if (replies != null) {
          replies.close();
        }
        source.close();
      } catch (Throwable ignored) {
        // the JVM is going away; nothing to report to
      }
    }, "inmesh-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return shutdown;
  }

  void telemetry(Telemetry started) {
    telemetry = started;
  }
}
