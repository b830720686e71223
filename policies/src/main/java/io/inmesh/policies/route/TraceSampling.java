package io.inmesh.policies.route;

/**
 * The HttpConnectionManager's {@code tracing} sampling (Envoy's
 * {@code envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.Tracing}):
 * percentages from 0 to 100, each 100 when the listener leaves it unset. A request that starts a
 * trace is traced with probability {@code client_sampling} when it carries
 * {@code x-client-trace-id}, else {@code random_sampling}; {@code overall_sampling} applies on top.
 *
 * @param clientSampling {@code client_sampling}, percent
 * @param randomSampling {@code random_sampling}, percent
 * @param overallSampling {@code overall_sampling}, percent
 */
public record TraceSampling(double clientSampling, double randomSampling,
    double overallSampling) {

  public TraceSampling {
    check(clientSampling, "client_sampling");
    check(randomSampling, "random_sampling");
    check(overallSampling, "overall_sampling");
  }

  private static void check(double percent, String field) {
    if (!(percent >= 0 && percent <= 100)) {
      throw new IllegalArgumentException("tracing." + field + " must be from 0 to 100, is "
          + percent);
    }
  }

  /** The chance (0 to 1) that a request starting a trace is sampled. */
  public double probability(boolean clientTraceId) {
    return (clientTraceId ? clientSampling : randomSampling) * overallSampling / 10_000.0;
  }
}
