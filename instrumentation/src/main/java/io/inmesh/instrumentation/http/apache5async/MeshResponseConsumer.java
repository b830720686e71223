package io.inmesh.instrumentation.http.apache5async;

import io.inmesh.api.Decision;
import io.inmesh.instrumentation.http.apache5.MeshRoute;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The application's response consumer for one async exchange, seen first by the mesh: the final
 * response's head gets the route's response header changes and reports the call's status to its
 * decision; a failure, or an exchange released without either, reports how it ended. Everything
 * else is handed straight through.
 *
 * <p>{@code doExecute} wraps the consumer and makes the wrapper current on its thread while it
 * produces the request, which is when {@code determineRoute} decides the call
 * ({@link #attachToCurrent}); a request produced later, on another thread, stays unreported.
 *
 * <p>Defined in HttpClient 5's class loader (see {@code HelperClasses}): it may reference only
 * HttpClient 5, the JDK, the bootstrap API and {@link MeshRoute}.
 */
public final class MeshResponseConsumer<T> implements AsyncResponseConsumer<T> {

  private static final ThreadLocal<MeshResponseConsumer<?>> PRODUCING =
      new ThreadLocal<MeshResponseConsumer<?>>();

  private final AsyncResponseConsumer<T> consumer;
  private volatile Decision decision;

  public MeshResponseConsumer(AsyncResponseConsumer<T> consumer) {
    this.consumer = consumer;
  }

  /** Makes this the consumer of the exchange being produced on this thread. */
  public void produceStarted() {
    PRODUCING.set(this);
  }

  public static void produceEnded() {
    PRODUCING.remove();
  }

  /**
   * Gives the decision of the exchange being produced on this thread to its consumer.
   *
   * @return false when no wrapped exchange is being produced here: the outcome cannot be reported
   */
  public static boolean attachToCurrent(Decision decision) {
    MeshResponseConsumer<?> current = PRODUCING.get();
    if (current == null) {
      return false;
    }
    current.decision = decision;
    return true;
  }

  /** True when an exchange wrapped on this thread is being produced now. */
  public static boolean producing() {
    return PRODUCING.get() != null;
  }

  @Override
  public void consumeResponse(HttpResponse response, EntityDetails entityDetails,
      HttpContext context, FutureCallback<T> resultCallback) throws HttpException, IOException {
    Decision routed = decision;
    if (routed != null) {
      try {
        MeshRoute.rewriteResponse(routed, response);
        routed.complete(null, response.getCode(), null);
      } catch (RuntimeException e) {
        // fail open: the application gets the response as received
      }
    }
    consumer.consumeResponse(response, entityDetails, context, resultCallback);
  }

  @Override
  public void informationResponse(HttpResponse response, HttpContext context)
      throws HttpException, IOException {
    consumer.informationResponse(response, context);
  }

  @Override
  public void failed(Exception cause) {
    Decision routed = decision;
    if (routed != null) {
      routed.complete(null, 0, cause);
    }
    consumer.failed(cause);
  }

  @Override
  public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
    consumer.updateCapacity(capacityChannel);
  }

  @Override
  public void consume(ByteBuffer src) throws IOException {
    consumer.consume(src);
  }

  @Override
  public void streamEnd(List<? extends Header> trailers) throws HttpException, IOException {
    consumer.streamEnd(trailers);
  }

  @Override
  public void releaseResources() {
    Decision routed = decision;
    if (routed != null) {
      // a no-op when the head or a failure was reported; else the exchange was cancelled
      routed.complete(null, 0, new CancellationException("exchange released without a response"));
    }
    consumer.releaseResources();
  }
}
