package io.inmesh.policies;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The randomness routing draws on (weighted clusters, runtime fractions, mirror sampling, load
 * balancer choices, generated cookies). Injected so tests can use a fixed seed; production uses
 * {@link #threadLocal()}.
 */
public interface RandomSource {

  /** A uniformly distributed 64-bit value. */
  long nextLong();

  /** A uniformly distributed value in [0, bound); bound must be positive. */
  default int nextInt(int bound) {
    // Lemire's multiply-shift on 32 random bits: no division, bias below 2^-32 * bound.
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }

  /** The shared source backed by {@link ThreadLocalRandom}: thread-safe, allocation-free. */
  static RandomSource threadLocal() {
    return ThreadLocalSource.INSTANCE;
  }

  /** A deterministic source for tests and tools; not thread-safe. */
  static RandomSource seeded(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return random::nextLong;
  }

  /** Holder for the production source. */
  final class ThreadLocalSource implements RandomSource {
    static final ThreadLocalSource INSTANCE = new ThreadLocalSource();

    private ThreadLocalSource() {}

    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }
  }
}
