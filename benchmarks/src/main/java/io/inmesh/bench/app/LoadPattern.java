package io.inmesh.bench.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** The two ways {@link LoadApp} drives calls: at a fixed rate (open loop) and flat out. */
final class LoadPattern {

  /** Enough threads that a stall queues requests behind their intended start, not in front of it. */
  private static final int OPEN_LOOP_THREADS = 32;
  private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

  private LoadPattern() {}

  /** Latencies (nanoseconds), how many calls answered 200 and how many did not, over how long. */
  record Outcome(Histogram latency, long ok, long errors, long elapsedNanos) {

    void putInto(Map<String, Object> out, String phase) {
      out.put(phase + ".ok", ok);
      out.put(phase + ".errors", errors);
      out.put(phase + ".rps", Math.round(ok * 1e9 / elapsedNanos));
      for (double p : new double[] {50, 90, 99, 99.9}) {
        String name = p == 99.9 ? "p999" : "p" + (int) p;
        out.put(phase + "." + name, latency.getValueAtPercentile(p) / 1000);
      }
    }
  }

  /**
   * Issues {@code rate} calls per second for {@code duration}, each timed from its intended start
   * (the schedule's slot), not from when a thread got to it: a stall then shows as queueing in the
   * percentiles instead of silently lowering the load (no coordinated omission).
   */
  static Outcome openLoop(LoadApp.Call call, int rate, Duration duration)
      throws InterruptedException {
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long total = rate * duration.toSeconds();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
    AtomicLong nextSlot = new AtomicLong();
    return drive(call, OPEN_LOOP_THREADS, recorder -> {
      long slot;
      while ((slot = nextSlot.getAndIncrement()) < total) {
        long intended = start + slot * interval;
        for (long wait; (wait = intended - System.nanoTime()) > 0; ) {
          LockSupport.parkNanos(wait);
        }
        recorder.time(call, intended);
      }
    });
  }

  /** {@code concurrency} threads calling back to back for {@code duration}. */
  static Outcome closedLoop(LoadApp.Call call, int concurrency, Duration duration)
      throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    return drive(call, concurrency, recorder -> {
      while (System.nanoTime() < end) {
        recorder.time(call, System.nanoTime());
      }
    });
  }

  private interface Worker {
    void run(Timing timing);
  }

  /** Records calls from many threads into one histogram. */
  private static final class Timing {
    private final Recorder recorder = new Recorder(HIGHEST_NANOS, 3);
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    void time(LoadApp.Call call, long startNanos) {
      boolean success;
      String failure = null;
      try {
        int status = call.execute();
        success = status == 200;
        failure = success ? null : "status " + status;
      } catch (Exception e) {
        success = false;
        failure = e.toString();
      }
      if (failure != null && errors.get() == 0) {
        // the first failure of a phase goes to the app's log, for diagnosis
        System.err.println("load: first failed call: " + failure);
      }
      long latency = System.nanoTime() - startNanos;
      recorder.recordValue(Math.min(latency, HIGHEST_NANOS));
      (success ? ok : errors).incrementAndGet();
    }
  }

  private static Outcome drive(LoadApp.Call call, int threads, Worker worker)
      throws InterruptedException {
    Timing timing = new Timing();
    List<Thread> running = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> worker.run(timing), "load-" + i);
      t.start();
      running.add(t);
    }
    for (Thread t : running) {
      t.join();
    }
    long elapsed = System.nanoTime() - started;
    return new Outcome(timing.recorder.getIntervalHistogram(), timing.ok.get(),
        timing.errors.get(), elapsed);
  }
}
