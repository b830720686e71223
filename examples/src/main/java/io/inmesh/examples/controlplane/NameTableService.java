package io.inmesh.examples.controlplane;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Istio's NDS (the DNS name table, {@code istio.networking.nds.v1.NameTable}) on the ADS streams
 * of java-control-plane's server, which knows only Envoy's resource types (a request for any other
 * type would end the stream). Requests of the NDS type are answered here, as istiod does: one
 * unnamed table per response, sent when a stream first asks and whenever the table changes; an
 * ACK or a NACK of the version sent gets no answer. Every other request goes to the delegate,
 * which writes to the same response observer (both synchronize on it).
 */
final class NameTableService extends AggregatedDiscoveryServiceImplBase {

  static final String TYPE_URL = SidecarShapes.NAME_TABLE_TYPE_URL;

  private final AggregatedDiscoveryServiceGrpc.AsyncService delegate;
  private final Set<NdsStream> streams = ConcurrentHashMap.newKeySet();
  private volatile Table current;

  /** A published table. */
  private record Table(String version, Any table) {}

  NameTableService(AggregatedDiscoveryServiceGrpc.AsyncService delegate) {
    this.delegate = delegate;
  }

  /** Publishes a table; every stream that asked for NDS is sent it. */
  void setTable(String version, Any table) {
    current = new Table(version, table);
    for (NdsStream s : streams) {
      s.sendIfNewer();
    }
  }

  @Override
  public StreamObserver<DiscoveryRequest> streamAggregatedResources(
      StreamObserver<DiscoveryResponse> responses) {
    NdsStream nds = new NdsStream(responses);
    StreamObserver<DiscoveryRequest> envoyTypes = delegate.streamAggregatedResources(responses);
    return new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryRequest request) {
        if (TYPE_URL.equals(request.getTypeUrl())) {
          nds.onRequest(request);
        } else {
          envoyTypes.onNext(request);
        }
      }

      @Override
      public void onError(Throwable t) {
        streams.remove(nds);
        envoyTypes.onError(t);
      }

      @Override
      public void onCompleted() {
        streams.remove(nds);
        envoyTypes.onCompleted();
      }
    };
  }

  /** The NDS side of one ADS stream. */
  private final class NdsStream {
    private final StreamObserver<DiscoveryResponse> responses;
    private final AtomicLong nonces = new AtomicLong();
    private String sentVersion;

    NdsStream(StreamObserver<DiscoveryResponse> responses) {
      this.responses = responses;
    }

    void onRequest(DiscoveryRequest request) {
      streams.add(this);
      if (request.getResponseNonce().isEmpty()) {
        // a new subscription (first request, or a reconnect): answer it
        synchronized (this) {
          sentVersion = null;
        }
      }
      sendIfNewer();
    }

    synchronized void sendIfNewer() {
      Table t = current;
      if (t == null || t.version().equals(sentVersion)) {
        return;
      }
      sentVersion = t.version();
      DiscoveryResponse response = DiscoveryResponse.newBuilder()
          .setTypeUrl(TYPE_URL)
          .setVersionInfo(t.version())
          .setNonce("nds-" + nonces.incrementAndGet())
          .addResources(t.table())
          .build();
      // java-control-plane synchronizes its writes on the same observer
      synchronized (responses) {
        responses.onNext(response);
      }
    }
  }
}
