package io.inmesh.xds.client;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;

/**
 * Where ADS streams come from. The client drives it only from its own serialized executor; an
 * implementation may call the {@link StreamListener} from any thread.
 */
public interface XdsTransport extends AutoCloseable {

  /** Opens one {@code StreamAggregatedResources} stream. */
  Stream start(StreamListener listener);

  /** Releases the connection; open streams end. */
  @Override
  void close();

  /** One ADS stream, client side. */
  interface Stream {

    void send(DiscoveryRequest request);

    /** Cancels the stream; the listener may still see {@code onClosed}. */
    void cancel(String reason);
  }

  /** What the server says on a stream. */
  interface StreamListener {

    void onResponse(DiscoveryResponse response);

    /**
     * The stream ended.
     *
     * @param error why, or null when the server completed it normally
     */
    void onClosed(Throwable error);
  }
}
