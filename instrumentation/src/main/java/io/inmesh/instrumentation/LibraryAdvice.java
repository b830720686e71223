package io.inmesh.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Advice for a library the agent's loader does not have. Such advice names the library's types in
 * its signatures, so it cannot be loaded as a class here ({@code Advice.to(Class)} would fail with
 * {@code NoClassDefFoundError}); it is read by name as a class file, and its types are resolved
 * against the instrumented class's own loader.
 */
public final class LibraryAdvice {

  private LibraryAdvice() {}

  /** A transformer that reads advice classes from {@code owner}'s loader by name. */
  public static AgentBuilder.Transformer.ForAdvice of(Class<?> owner) {
    return new AgentBuilder.Transformer.ForAdvice()
        .include(owner.getClassLoader())
        .withExceptionHandler(net.bytebuddy.asm.Advice.ExceptionHandler.Default.SUPPRESSING);
  }

}
