package io.inmesh.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.is;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import io.inmesh.api.Mesh;
import io.inmesh.instrumentation.http.apache4.ApacheHttpClient4Instrumentation;
import io.inmesh.instrumentation.http.apache5.ApacheHttpClient5Instrumentation;
import io.inmesh.instrumentation.http.apache5async.ApacheHttpAsyncClient5Instrumentation;
import io.inmesh.instrumentation.http.jdk.JdkHttpClientInstrumentation;
import io.inmesh.instrumentation.http.okhttp.OkHttpInstrumentation;
import io.inmesh.instrumentation.http.reactornetty.ReactorNettyHttpClientInstrumentation;
import io.inmesh.instrumentation.http.urlconnection.HttpsUrlConnectionInstrumentation;
import io.inmesh.instrumentation.http.urlconnection.UrlConnectionInstrumentation;
import io.inmesh.instrumentation.net.socket.SocketConnectInstrumentation;
import io.inmesh.policies.log.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the client instrumentations into the JVM.
 *
 * <p>Advice inlined into JDK classes references {@link Mesh} and friends, which live in the
 * bootstrap loader's unnamed module; named JDK modules do not read it by default, so this adds the
 * read edges up front (before the JDK HTTP client classes are even loaded) and checks them.
 */
public final class ClientInstrumentation {

  private static final AgentLog LOG = AgentLog.get(ClientInstrumentation.class);

  /** The JDK modules our advice is inlined into. */
  static final List<String> ADVISED_JDK_MODULES = List.of("java.base", "java.net.http");

  private ClientInstrumentation() {}

  public static List<LibraryInstrumentation> all() {
    return List.of(new JdkHttpClientInstrumentation(), new UrlConnectionInstrumentation(),
        new HttpsUrlConnectionInstrumentation(), new OkHttpInstrumentation(),
        new ApacheHttpClient5Instrumentation(), new ApacheHttpClient4Instrumentation(),
        new ApacheHttpAsyncClient5Instrumentation(), new ReactorNettyHttpClientInstrumentation(),
        new SocketConnectInstrumentation());
  }

  /**
   * @param agentLoader the agent's own class loader, whose classes are never instrumented
   */
  public static void install(Instrumentation inst, ClassLoader agentLoader,
      List<LibraryInstrumentation> libraries) {
    addReadEdges(inst);
    // Matchers name the types they match (no class literals), so building them loads none of
    // those classes and this check may come first.
    AgentBuilder builder = new AgentBuilder.Default()
        .with(anyAlreadyLoaded(inst, libraries)
            ? AgentBuilder.RedefinitionStrategy.RETRANSFORMATION
            : AgentBuilder.RedefinitionStrategy.DISABLED)
        .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
        .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
        .with(new FailureListener())
        .ignore(nameStartsWith("net.bytebuddy.")
            .or(nameStartsWith("io.inmesh."))
            .or(nameStartsWith("jdk.internal.reflect.")))
        .or(any(), is(agentLoader));
    for (LibraryInstrumentation library : libraries) {
      builder = library.extend(builder);
    }
    builder.installOn(inst);
    LOG.debug("instrumented %s", libraries.stream().map(LibraryInstrumentation::name).toList());
  }

  /**
   * Whether a type we instrument is loaded already (late attach, or an application that used the
   * client in its own premain). Usually none is: the JDK loads its HTTP clients on first use, so
   * the scan and retransformation of every loaded class is skipped, which halves start-up cost.
   */
  private static boolean anyAlreadyLoaded(Instrumentation inst,
      List<LibraryInstrumentation> libraries) {
    Set<String> names = new java.util.HashSet<>();
    for (LibraryInstrumentation library : libraries) {
      names.addAll(library.typeNames());
    }
    for (Class<?> loaded : inst.getAllLoadedClasses()) {
      if (names.contains(loaded.getName())) {
        return true;
      }
    }
    return false;
  }

  private static void addReadEdges(Instrumentation inst) {
    Module api = Mesh.class.getModule();
    for (String name : ADVISED_JDK_MODULES) {
      Optional<Module> module = ModuleLayer.boot().findModule(name);
      if (module.isEmpty()) {
        continue;
      }
      inst.redefineModule(module.get(), Set.of(api), Map.of(), Map.of(), Set.of(), Map.of());
      if (!module.get().canRead(api)) {
        throw new IllegalStateException(name + " cannot read the Inmesh bootstrap API");
      }
    }
  }

  /** True when every advised JDK module reads the bootstrap API (checked by tests). */
  public static boolean readEdgesInPlace() {
    Module api = Mesh.class.getModule();
    for (String name : ADVISED_JDK_MODULES) {
      Optional<Module> module = ModuleLayer.boot().findModule(name);
      if (module.isPresent() && !module.get().canRead(api)) {
        return false;
      }
    }
    return true;
  }

  /** Logs a type we meant to instrument but could not, once, instead of failing silently. */
  private static final class FailureListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module,
        boolean loaded, Throwable throwable) {
      LOG.warn(throwable, "could not instrument %s, its calls pass through untouched", typeName);
    }

    @Override
    public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader,
        JavaModule module, boolean loaded, DynamicType dynamicType) {
      LOG.debug("instrumented %s", typeDescription.getName());
    }
  }
}
