package io.inmesh.bench.app;

import io.inmesh.bench.ProcStat;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The measured application: an ordinary {@link HttpClient} user that is also its own load
 * generator, so the process whose CPU and memory are read is exactly the one making the calls.
 *
 * <pre>
 * LoadApp first URLS                     prints "FIRST at=EPOCH_MILLIS" after the first 200, exits
 * LoadApp run URLS RATE WARMUP_S FIXED_S MAX_S MAX_CONCURRENCY
 * </pre>
 *
 * URLS is one URL or several separated by commas, called in turn (the no-agent app spreads its
 * calls over both instances itself, so every variant loads the upstream the same way).
 *
 * {@code run} waits for a first 200 (as {@code first} does: with the agent, the mesh's xDS answer
 * may take longer than the agent's first-call wait on a loaded machine, and calls before it pass
 * through unrouted), warms up closed-loop, then prints {@code BEGIN fixed}, drives {@code RATE}
 * requests/s open-loop, prints {@code END fixed}, reads heap and RSS, runs closed-loop at max throughput, and
 * prints one {@code RESULT key=value ...} line (latencies in microseconds).
 */
public final class LoadApp {

  private LoadApp() {}

  public static void main(String[] args) throws Exception {
    HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    String[] urls = args[1].split(",");
    HttpRequest[] requests = new HttpRequest[urls.length];
    for (int i = 0; i < urls.length; i++) {
      requests[i] = HttpRequest.newBuilder(URI.create(urls[i]))
          .timeout(Duration.ofSeconds(10))
          .header("user-agent", "inmesh-bench")
          .GET().build();
    }
    AtomicInteger turn = new AtomicInteger();
    Call call = () -> client.send(requests[Math.floorMod(turn.getAndIncrement(), requests.length)],
        HttpResponse.BodyHandlers.discarding()).statusCode();
    if (args[0].equals("first")) {
      firstSuccess(call);
    } else {
      firstSuccess(call);
      run(call, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
          Integer.parseInt(args[5]), Integer.parseInt(args[6]));
    }
  }

  /** One HTTP call; returns the status code. */
  @FunctionalInterface
  interface Call {
    int execute() throws Exception;
  }

  private static void firstSuccess(Call call) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (call.execute() == 200) {
          System.out.println("FIRST at=" + System.currentTimeMillis());
          return;
        }
      } catch (Exception retry) {
        // not up yet: the backend or the mesh is still starting
      }
      Thread.sleep(5);
    }
    System.out.println("FIRST failed");
  }

  private static void run(Call call, int rate, int warmupSeconds, int fixedSeconds,
      int maxSeconds, int maxConcurrency) throws Exception {
    long pid = ProcessHandle.current().pid();
    LoadPattern.closedLoop(call, maxConcurrency, Duration.ofSeconds(warmupSeconds));

    Map<String, Object> out = new LinkedHashMap<>();
    System.out.println("BEGIN fixed");
    long cpuBefore = ProcStat.cpuMillis(pid);
    LoadPattern.Outcome fixed = LoadPattern.openLoop(call, rate, Duration.ofSeconds(fixedSeconds));
    long cpuMillis = ProcStat.cpuMillis(pid) - cpuBefore;
    System.out.println("END fixed");
    fixed.putInto(out, "fixed");
    out.put("fixed.cpu_ms", cpuMillis);

    // After warm-up and a steady phase: what the process holds, not what it last allocated.
    System.gc();
    out.put("heap_kib", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024);
    out.put("rss_kib", ProcStat.rssKib(pid));

    LoadPattern.Outcome max =
        LoadPattern.closedLoop(call, maxConcurrency, Duration.ofSeconds(maxSeconds));
    max.putInto(out, "max");
    StringBuilder line = new StringBuilder("RESULT");
    out.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
    System.out.println(line);
  }
}
