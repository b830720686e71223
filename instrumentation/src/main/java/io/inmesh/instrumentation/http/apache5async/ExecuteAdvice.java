package io.inmesh.instrumentation.http.apache5async;

import io.inmesh.api.Mesh;
import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;

/**
 * Inlined into {@code InternalAbstractHttpAsyncClient.doExecute(HttpHost, AsyncRequestProducer,
 * AsyncResponseConsumer, HandlerFactory, HttpContext, FutureCallback)}: wraps the response
 * consumer in a {@link MeshResponseConsumer} and keeps it current on this thread while the
 * request is produced (and routed). References only HttpClient 5, the JDK, the bootstrap API and
 * {@link MeshResponseConsumer}; no lambdas.
 */
public final class ExecuteAdvice {

  private ExecuteAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  @SuppressWarnings({"rawtypes", "unchecked"})
  public static void enter(
      @Advice.Argument(value = 2, readOnly = false) AsyncResponseConsumer consumer) {
    if (consumer == null || consumer instanceof MeshResponseConsumer || !Mesh.active()) {
      return;
    }
    MeshResponseConsumer wrapped = new MeshResponseConsumer(consumer);
    wrapped.produceStarted();
    consumer = wrapped;
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit() {
    MeshResponseConsumer.produceEnded();
  }
}
