package io.inmesh.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;

/** The instrumentation of one client library: which types it matches and what it does to them. */
public interface LibraryInstrumentation {

  /** A short name for logs, e.g. {@code http.jdk}. */
  String name();

  /** The names of the types this instrumentation transforms. */
  java.util.Set<String> typeNames();

  /** Adds this library's type matchers and transformations. */
  AgentBuilder extend(AgentBuilder builder);
}
