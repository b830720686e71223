package io.inmesh.bench.harness;

/**
 * One measured run of the app.
 *
 * @param rate requests per second of the open-loop phase
 * @param warmupSeconds closed-loop warm-up (JIT, connection pools), not measured
 * @param fixedSeconds the open-loop phase: latency at a fixed rate, CPU per request
 * @param maxSeconds the closed-loop phase: max throughput and its latency
 * @param maxConcurrency threads calling back to back in the closed-loop phases
 */
public record LoadSettings(int rate, int warmupSeconds, int fixedSeconds, int maxSeconds,
    int maxConcurrency) {

  String[] appArguments(String url) {
    return new String[] {"run", url, Integer.toString(rate), Integer.toString(warmupSeconds),
        Integer.toString(fixedSeconds), Integer.toString(maxSeconds),
        Integer.toString(maxConcurrency)};
  }

  /** A generous bound on how long one run takes, start-up included. */
  java.time.Duration timeout() {
    return java.time.Duration.ofSeconds(60L + warmupSeconds + fixedSeconds + maxSeconds);
  }
}
