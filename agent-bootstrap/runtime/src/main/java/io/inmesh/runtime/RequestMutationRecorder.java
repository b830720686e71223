package io.inmesh.runtime;

import io.inmesh.api.RequestMutation;
import io.inmesh.policies.RequestView;
import io.inmesh.policies.Routing;
import io.inmesh.policies.header.HeaderEditor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a route's request changes into the {@link RequestMutation} advice applies. The route's
 * header operations run against the request's headers as they are, and their effect is recorded
 * as sets, appends and removals, which every client can apply without knowing Envoy's rules.
 */
final class RequestMutationRecorder implements HeaderEditor {

  private final RequestView request;
  private final List<String> set = new ArrayList<>();
  private final List<String> append = new ArrayList<>();
  private final List<String> remove = new ArrayList<>();

  private RequestMutationRecorder(RequestView request) {
    this.request = request;
  }

  /** The mutation for a routed call, or null when the route changes nothing. */
  static RequestMutation of(Routing routing, RequestView request) {
    return of(routing, request, null);
  }

  /**
   * @param traceHeaders name, value pairs the call's client span sets ({@code traceparent}, ...)
   *     after the route's own header changes, or null
   */
  static RequestMutation of(Routing routing, RequestView request, String[] traceHeaders) {
    boolean headers = !routing.requestHeaders().isEmpty();
    if (!headers && routing.pathAndQuery() == null && routing.authority() == null) {
      return traceHeaders == null ? null
          : new RequestMutation(null, null, traceHeaders, null, null);
    }
    RequestMutationRecorder recorder = new RequestMutationRecorder(request);
    if (headers) {
      routing.requestHeaders().applyTo(recorder, request, routing.endpoint());
    }
    if (traceHeaders != null) {
      for (int i = 0; i + 1 < traceHeaders.length; i += 2) {
        recorder.set(traceHeaders[i], traceHeaders[i + 1]);
      }
    }
    return new RequestMutation(routing.pathAndQuery(), routing.authority(),
        recorder.set.toArray(new String[0]), recorder.append.toArray(new String[0]),
        recorder.remove.toArray(new String[0]));
  }

  @Override
  public boolean contains(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (remove.contains(lower)) {
      return false;
    }
    for (int i = 0; i < set.size(); i += 2) {
      if (set.get(i).equals(lower)) {
        return true;
      }
    }
    for (int i = 0; i < append.size(); i += 2) {
      if (append.get(i).equals(lower)) {
        return true;
      }
    }
    return request.header(lower) != null;
  }

  @Override
  public void set(String name, String value) {
    String lower = name.toLowerCase(Locale.ROOT);
    dropFrom(append, lower);
    dropFrom(set, lower);
    set.add(lower);
    set.add(value);
  }

  @Override
  public void add(String name, String value) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (remove.remove(lower)) {
      // removed earlier, added back: the new value replaces what the request had
      set.add(lower);
      set.add(value);
      return;
    }
    append.add(lower);
    append.add(value);
  }

  @Override
  public void remove(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    dropFrom(set, lower);
    dropFrom(append, lower);
    if (!remove.contains(lower)) {
      remove.add(lower);
    }
  }

  private static void dropFrom(List<String> pairs, String lower) {
    for (int i = pairs.size() - 2; i >= 0; i -= 2) {
      if (pairs.get(i).equals(lower)) {
        pairs.remove(i + 1);
        pairs.remove(i);
      }
    }
  }
}
