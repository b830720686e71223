package io.inmesh.instrumentation;

import io.inmesh.policies.log.AgentLog;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Matches a library's types only in class loaders that also hold the library's marker classes:
 * classes that exist in every version the instrumentation supports (and that the advice relies
 * on). A loader with the library but without a marker has a version we do not support; its calls
 * pass through untouched, and that is logged once per library.
 */
public final class LibraryGuard implements AgentBuilder.RawMatcher {

  private static final AgentLog LOG = AgentLog.get(LibraryGuard.class);

  private final String library;
  private final String supported;
  private final ElementMatcher<? super TypeDescription> types;
  private final String[] markerResources;
  private final Map<ClassLoader, Boolean> verdicts =
      Collections.synchronizedMap(new WeakHashMap<>());
  private final AtomicBoolean logged = new AtomicBoolean();

  /**
   * @param library the instrumentation's name, for the log line
   * @param supported the supported versions in words, for the log line
   * @param types the types to transform
   * @param markerClasses binary class names that must all be visible to the type's loader
   */
  public LibraryGuard(String library, String supported,
      ElementMatcher<? super TypeDescription> types, String... markerClasses) {
    this.library = library;
    this.supported = supported;
    this.types = types;
    this.markerResources = new String[markerClasses.length];
    for (int i = 0; i < markerClasses.length; i++) {
      markerResources[i] = markerClasses[i].replace('.', '/') + ".class";
    }
  }

  @Override
  public boolean matches(TypeDescription type, ClassLoader loader, JavaModule module,
      Class<?> classBeingRedefined, ProtectionDomain protectionDomain) {
    if (loader == null || !types.matches(type)) {
      return false;
    }
    Boolean supportedHere = verdicts.get(loader);
    if (supportedHere == null) {
      supportedHere = hasMarkers(loader);
      verdicts.put(loader, supportedHere);
    }
    if (!supportedHere && logged.compareAndSet(false, true)) {
      LOG.info("%s: %s is a version the agent does not support (supported: %s); its calls pass"
          + " through untouched", library, type.getName(), supported);
    }
    return supportedHere;
  }

  private boolean hasMarkers(ClassLoader loader) {
    for (String resource : markerResources) {
      if (loader.getResource(resource) == null) {
        return false;
      }
    }
    return true;
  }
}
