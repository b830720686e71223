package io.inmesh.runtime;

/**
 * Whether the agent's own code makes a connection: any frame of a class of the agent's loader
 * below the bootstrap API's entry point. The xDS channel (shaded Netty), the OTLP and HEC
 * exports, mirrors: every connection the agent opens has its code on the stack, whatever thread
 * or library it runs on, so none of them is ever routed or refused by the mesh (not even by a
 * REGISTRY_ONLY policy that black-holes everything unknown). A walk costs a few microseconds; it
 * runs only for connections the mesh would otherwise route or refuse.
 */
final class AgentFrames {

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private final ClassLoader agentLoader;
  private final Class<?> entry;

  /**
   * @param agentLoader the loader of the agent's classes
   * @param entry the bootstrap API class advice calls ({@code io.inmesh.api.Mesh}): frames above
   *     it are the runtime's own routing code, not the connection's caller
   */
  AgentFrames(ClassLoader agentLoader, Class<?> entry) {
    this.agentLoader = agentLoader;
    this.entry = entry;
  }

  /** True when the current thread came through {@code entry} from the agent's own code. */
  boolean onStack() {
    return WALKER.walk(frames -> {
      boolean belowEntry = false;
      for (var it = frames.iterator(); it.hasNext(); ) {
        Class<?> type = it.next().getDeclaringClass();
        if (type == entry) {
          belowEntry = true;
        } else if (belowEntry && type.getClassLoader() == agentLoader) {
          return true;
        }
      }
      return false;
    });
  }
}
