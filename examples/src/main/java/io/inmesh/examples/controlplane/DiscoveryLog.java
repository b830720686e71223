package io.inmesh.examples.controlplane;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * What the control plane saw on its ADS streams: every request, every response, the NACKs and the
 * streams open right now. Tests assert on it; it never changes what the server answers.
 */
final class DiscoveryLog implements DiscoveryServerCallbacks {

  private final List<ObservedRequest> requests = new ArrayList<>();
  private final List<DiscoveryResponse> responses = new ArrayList<>();
  private int nacks;
  private int openStreams;

  @Override
  public synchronized void onStreamOpen(long streamId, String typeUrl) {
    openStreams++;
    notifyAll();
  }

  @Override
  public synchronized void onStreamClose(long streamId, String typeUrl) {
    openStreams--;
    notifyAll();
  }

  @Override
  public synchronized void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    openStreams--;
    notifyAll();
  }

  @Override
  public synchronized void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    requests.add(new ObservedRequest(streamId, request));
    if (request.hasErrorDetail()) {
      nacks++;
    }
    notifyAll();
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    // Inmesh speaks state-of-the-world ADS only, as proxyless gRPC does against istiod.
  }

  @Override
  public synchronized void onV3StreamResponse(
      long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    responses.add(response);
    notifyAll();
  }

  synchronized List<ObservedRequest> requests() {
    return List.copyOf(requests);
  }

  synchronized List<DiscoveryResponse> responses() {
    return List.copyOf(responses);
  }

  synchronized int nacks() {
    return nacks;
  }

  synchronized int openStreams() {
    return openStreams;
  }

  synchronized ObservedRequest awaitRequest(Predicate<ObservedRequest> wanted, Duration timeout)
      throws InterruptedException, TimeoutException {
    return awaitFirst(requests, wanted, timeout, "request");
  }

  synchronized DiscoveryResponse awaitResponse(
      Predicate<DiscoveryResponse> wanted, Duration timeout)
      throws InterruptedException, TimeoutException {
    return awaitFirst(responses, wanted, timeout, "response");
  }

  synchronized void awaitOpenStreams(int count, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (openStreams != count) {
      waitUntil(deadline, "open streams = " + count + " (now " + openStreams + ")");
    }
  }

  private <T> T awaitFirst(List<T> seen, Predicate<T> wanted, Duration timeout, String what)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    while (true) {
      for (; checked < seen.size(); checked++) {
        if (wanted.test(seen.get(checked))) {
          return seen.get(checked);
        }
      }
      waitUntil(deadline, "a matching " + what + " (saw " + seen.size() + ")");
    }
  }

  // Called holding the monitor; wait() releases it so the gRPC threads can record.
  private void waitUntil(long deadline, String what) throws InterruptedException, TimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new TimeoutException("timed out waiting for " + what);
    }
    wait(Math.max(1, left / 1_000_000));
  }
}
