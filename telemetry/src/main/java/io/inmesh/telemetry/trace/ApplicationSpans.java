package io.inmesh.telemetry.trace;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The application's own current span, when the application uses the OpenTelemetry API: the
 * agent's client span becomes its child, so the call joins the application's trace. The agent's
 * OpenTelemetry is relocated and cannot see the application's, so the application's
 * {@code Span.current()} is read through method handles resolved once per class loader (the
 * calling thread's context loader). A loader without the API costs one cached lookup.
 */
final class ApplicationSpans {

  /** Names built at run time: the shade plugin would relocate a literal class name. */
  private static final String API = String.join(".", "io", "opentelemetry", "api", "trace");

  private final Map<ClassLoader, Handles> byLoader = new WeakHashMap<>();
  private volatile Last last;

  private record Last(WeakReference<ClassLoader> loader, Handles handles) {}

  /** The application's current span context on this thread, or null (none, or no API). */
  SpanContext current() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      return null;
    }
    Handles h = handles(loader);
    return h == null ? null : h.current();
  }

  private Handles handles(ClassLoader loader) {
    Last l = last;
    if (l != null && l.loader.get() == loader) {
      return l.handles;
    }
    Handles h;
    synchronized (byLoader) {
      h = byLoader.computeIfAbsent(loader, Handles::resolve);
    }
    last = new Last(new WeakReference<>(loader), h);
    return h == Handles.NONE ? null : h;
  }

  /** Method handles on one loader's OpenTelemetry API classes. */
  private record Handles(MethodHandle currentSpan, MethodHandle spanContext,
      MethodHandle valid, MethodHandle traceId, MethodHandle spanId, MethodHandle sampled,
      MethodHandle traceState) {

    static final Handles NONE = new Handles(null, null, null, null, null, null, null);

    static Handles resolve(ClassLoader loader) {
      try {
        Class<?> span = Class.forName(API + ".Span", false, loader);
        Class<?> context = Class.forName(API + ".SpanContext", false, loader);
        Class<?> flags = Class.forName(API + ".TraceFlags", false, loader);
        Class<?> state = Class.forName(API + ".TraceState", false, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodHandle sampled = MethodHandles.filterReturnValue(
            lookup.findVirtual(context, "getTraceFlags", MethodType.methodType(flags)),
            lookup.findVirtual(flags, "isSampled", MethodType.methodType(boolean.class)));
        MethodHandle traceState = MethodHandles.filterReturnValue(
            lookup.findVirtual(context, "getTraceState", MethodType.methodType(state)),
            lookup.findVirtual(state, "asMap", MethodType.methodType(Map.class)));
        return new Handles(
            lookup.findStatic(span, "current", MethodType.methodType(span)),
            lookup.findVirtual(span, "getSpanContext", MethodType.methodType(context)),
            lookup.findVirtual(context, "isValid", MethodType.methodType(boolean.class)),
            lookup.findVirtual(context, "getTraceId", MethodType.methodType(String.class)),
            lookup.findVirtual(context, "getSpanId", MethodType.methodType(String.class)),
            sampled, traceState);
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        return NONE; // no OpenTelemetry API in this loader (or an unusable one)
      }
    }

    SpanContext current() {
      try {
        Object context = spanContext.invoke(currentSpan.invoke());
        if (!(boolean) valid.invoke(context)) {
          return null;
        }
        Map<?, ?> entries = (Map<?, ?>) traceState.invoke(context);
        TraceState state = TraceState.getDefault();
        if (!entries.isEmpty()) {
          TraceStateBuilder b = TraceState.builder();
          // asMap keeps the list order; the builder puts the last put first, so go backwards
          Object[] keys = entries.keySet().toArray();
          for (int i = keys.length - 1; i >= 0; i--) {
            b.put(String.valueOf(keys[i]), String.valueOf(entries.get(keys[i])));
          }
          state = b.build();
        }
        return SpanContext.createFromRemoteParent((String) traceId.invoke(context),
            (String) spanId.invoke(context),
            (boolean) sampled.invoke(context) ? TraceFlags.getSampled() : TraceFlags.getDefault(),
            state);
      } catch (Throwable e) {
        return null; // the application's OpenTelemetry failed: trace the call on its own
      }
    }
  }
}
