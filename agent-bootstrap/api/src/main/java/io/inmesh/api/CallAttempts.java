package io.inmesh.api;

import java.util.List;
import java.util.Map;

/**
 * The route's timeout, per-try timeout and retries for one call whose advice sends the attempts
 * itself, one after another on its own thread (OkHttp's interceptor chain, for one): the mesh
 * says how long each attempt may take and what follows it, as Envoy's router would. Get one from
 * {@link Mesh#attempts}; the runtime reports every attempt's end (telemetry, breakers, outlier
 * detection), so the advice must not {@link Decision#complete} them.
 */
public interface CallAttempts {

  /**
   * How long the next attempt may take: the per-try timeout, bounded by what is left of the route
   * timeout; 0 for no limit; negative when the route timeout has already expired.
   */
  long attemptTimeoutMillis();

  /**
   * Reports how an attempt ended and says what follows. May park the calling thread for the
   * retry's backoff.
   *
   * @param attempt the attempt's decision (the call's first, or one this method returned)
   * @param status the response's status, or 0 when there is none
   * @param responseHeaders the response's headers (for {@code retriable_headers}), or null
   * @param error how the attempt failed, or null
   * @param timedOut true when the attempt ran out of {@link #attemptTimeoutMillis()}
   * @param replayable whether the request can be sent again (its body, if any, replays)
   * @return null when the attempt's outcome stands; a routed decision for the next attempt; or a
   *     local reply (504 {@code UT}: the route timeout expired) to send instead
   */
  Decision next(Decision attempt, int status, Map<String, List<String>> responseHeaders,
      Throwable error, boolean timedOut, boolean replayable);
}
