package io.inmesh.instrumentation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.loading.ClassInjector;

/**
 * Classes of ours that implement a library's interfaces (an OkHttp {@code Dns}, say) cannot live
 * in the agent's loader or on the bootstrap class path: the library is in the application's
 * loader. They are defined in the library's own loader instead, before the advice that uses them
 * first runs (advice inlined into the library resolves them from there). Such classes must
 * reference only the library, the JDK and the bootstrap API, like advice.
 */
public final class HelperClasses {

  private final String[] names;
  private final Set<ClassLoader> injected = Collections.newSetFromMap(new WeakHashMap<>());

  /** @param names binary names of classes of the agent's loader to define in library loaders */
  public HelperClasses(String... names) {
    this.names = names.clone();
  }

  /** Defines the helper classes in {@code loader} once; later calls for the same loader do nothing. */
  public void injectInto(ClassLoader loader) {
    if (loader == null) {
      return;
    }
    synchronized (injected) {
      if (injected.contains(loader)) {
        return;
      }
      Map<String, byte[]> classes = new LinkedHashMap<>();
      ClassFileLocator agent = ClassFileLocator.ForClassLoader.of(HelperClasses.class.getClassLoader());
      try {
        for (String name : names) {
          classes.put(name, agent.locate(name).resolve());
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException("helper classes missing from the agent: " + e, e);
      }
      ClassInjector injector = ClassInjector.UsingReflection.isAvailable()
          ? new ClassInjector.UsingReflection(loader)
          : new ClassInjector.UsingUnsafe(loader);
      injector.injectRaw(classes);
      injected.add(loader);
    }
  }
}
