package io.inmesh.policies.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code type.v3.TokenBucket}, lock-free: starts full with {@code max_tokens}; every
 * {@code fill_interval} (counted from creation) adds {@code tokens_per_fill}, capped at the
 * maximum; a request takes one token. Two atomics and no allocation: the thread that advances the
 * fill tick adds the tokens for the ticks it skipped.
 */
public final class TokenBucket {

  private final long maxTokens;
  private final long tokensPerFill;
  private final long fillIntervalNanos;
  private final long originNanos;
  private final AtomicLong tokens;
  private final AtomicLong tick = new AtomicLong();

  /**
   * @param nowNanos the clock's reading at creation (the first fill is one interval later)
   */
  public TokenBucket(long maxTokens, long tokensPerFill, long fillIntervalNanos, long nowNanos) {
    if (maxTokens <= 0 || tokensPerFill <= 0 || fillIntervalNanos <= 0) {
      throw new IllegalArgumentException("token bucket needs positive max_tokens, tokens_per_fill"
          + " and fill_interval");
    }
    this.maxTokens = maxTokens;
    this.tokensPerFill = tokensPerFill;
    this.fillIntervalNanos = fillIntervalNanos;
    this.originNanos = nowNanos;
    this.tokens = new AtomicLong(maxTokens);
  }

  /** Refills for the elapsed intervals, then takes a token if one is left. */
  public boolean tryConsume(long nowNanos) {
    refill(nowNanos);
    while (true) {
      long t = tokens.get();
      if (t <= 0) {
        return false;
      }
      if (tokens.compareAndSet(t, t - 1)) {
        return true;
      }
    }
  }

  /** Whether a token is available now (refills first; takes nothing). */
  public boolean hasToken(long nowNanos) {
    refill(nowNanos);
    return tokens.get() > 0;
  }

  /** Tokens left now. */
  public long tokens(long nowNanos) {
    refill(nowNanos);
    return tokens.get();
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - originNanos;
    if (elapsed < fillIntervalNanos) {
      return;
    }
    long current = elapsed / fillIntervalNanos;
    long last = tick.get();
    if (current <= last || !tick.compareAndSet(last, current)) {
      return;
    }
    long add = (current - last) > maxTokens / tokensPerFill + 1 ? maxTokens
        : (current - last) * tokensPerFill;
    while (true) {
      long t = tokens.get();
      long next = Math.min(maxTokens, t + add);
      if (next == t || tokens.compareAndSet(t, next)) {
        return;
      }
    }
  }

  public long maxTokens() {
    return maxTokens;
  }

  public long tokensPerFill() {
    return tokensPerFill;
  }

  public long fillIntervalNanos() {
    return fillIntervalNanos;
  }
}
