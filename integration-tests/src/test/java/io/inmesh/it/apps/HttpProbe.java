package io.inmesh.it.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An ordinary application, run in a child JVM with the agent attached. It knows nothing of the
 * mesh: it calls the URL it is told to with the JDK's HTTP clients, keep-alive on, and reports what
 * answered. Commands on stdin, one per line:
 * {@code call jdk|jdkasync|urlconnection COUNT URL [name:value ...]};
 * {@code burst jdk|jdkasync|urlconnection COUNT URL} (the calls at once); {@code gc} (a full collection,
 * answered {@code GC}); {@code quit} (or end of input) returns
 * from main. Each call command answers one line:
 * {@code DONE counts=v1:812,v2:188 errors=0 hosts=[...] firstError=...}.
 */
public final class HttpProbe {

  private static final HttpClient JDK = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws IOException {
    System.out.println("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] parts = line.trim().split("\\s+");
      if (parts[0].equals("quit")) {
        break;
      }
      if (parts[0].equals("call")) {
        System.out.println(call(parts));
      }
      if (parts[0].equals("fetch")) {
        System.out.println(fetch(parts));
      }
      if (parts[0].equals("burst")) {
        System.out.println(burst(parts));
      }
      if (parts[0].equals("gc")) {
        System.gc();
        System.out.println("GC");
      }
    }
    System.out.println("BYE");
  }

  /**
   * {@code fetch jdk|urlconnection URL [name:value ...]}: one call without following redirects,
   * answered as {@code FETCHED status=.. flags=.. location=.. seen-path=.. seen=[x-seen-*] body=..}.
   */
  private static String fetch(String[] parts) {
    Map<String, String> headers = headers(parts, 3);
    try {
      int status;
      String body;
      Map<String, List<String>> responseHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      if (parts[1].equals("jdk")) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(parts[2]))
            .timeout(Duration.ofSeconds(5));
        headers.forEach(b::header);
        HttpResponse<String> r = JDK.send(b.build(), HttpResponse.BodyHandlers.ofString());
        status = r.statusCode();
        body = r.body();
        responseHeaders.putAll(r.headers().map());
      } else {
        HttpURLConnection c = (HttpURLConnection) new URL(parts[2]).openConnection();
        c.setInstanceFollowRedirects(false);
        headers.forEach(c::setRequestProperty);
        status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        c.getHeaderFields().forEach((k, v) -> {
          if (k != null) {
            responseHeaders.put(k, v);
          }
        });
      }
      return fetched(status, responseHeaders, body);
    } catch (Exception e) {
      return "FETCHED error=" + e;
    }
  }

  /**
   * One fetched response as a line: status, the mesh's response flags, location, what the backend
   * saw (its {@code x-seen-*} headers), the route's {@code x-route} header and the body.
   *
   * @param responseHeaders case-insensitive
   */
  static String fetched(int status, Map<String, List<String>> responseHeaders, String body) {
    StringBuilder seen = new StringBuilder();
    responseHeaders.forEach((k, v) -> {
      String name = k.toLowerCase(java.util.Locale.ROOT);
      if (name.startsWith("x-seen-") && !name.equals("x-seen-path")) {
        seen.append(seen.length() == 0 ? "" : ";").append(name.substring(7)).append('=')
            .append(String.join(",", v));
      }
    });
    return "FETCHED status=" + status + " flags=" + first(responseHeaders,
        "x-inmesh-response-flags") + " location=" + first(responseHeaders, "location")
        + " seen-path=" + first(responseHeaders, "x-seen-path") + " x-route="
        + first(responseHeaders, "x-route") + " seen=[" + seen + "] body="
        + body.replace('\n', ' ');
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }

  private static String call(String[] parts) {
    String client = parts[1];
    String url = parts[3];
    Map<String, String> headers = headers(parts, 4);
    return tally(Integer.parseInt(parts[2]), () -> client.equals("jdk")
        ? viaHttpClient(url, headers, false)
        : client.equals("jdkasync") ? viaHttpClient(url, headers, true)
        : viaUrlConnection(url, headers));
  }

  /**
   * {@code burst jdk|jdkasync|urlconnection COUNT URL}: COUNT calls at once, answered as call's
   * are.
   */
  private static String burst(String[] parts) {
    String url = parts[3];
    return tallyAtOnce(Integer.parseInt(parts[2]), () -> parts[1].startsWith("jdk")
        ? viaHttpClient(url, Map.of(), parts[1].equals("jdkasync"))
        : viaUrlConnection(url, Map.of()));
  }

  /** As {@link #tally}, with the calls made at once, each on its own thread. */
  static String tallyAtOnce(int count, Call call) {
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    List<java.util.concurrent.FutureTask<String>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      java.util.concurrent.FutureTask<String> task = new java.util.concurrent.FutureTask<>(() -> {
        start.await();
        return call.body();
      });
      calls.add(task);
      new Thread(task, "burst-" + i).start();
    }
    start.countDown();
    java.util.Iterator<java.util.concurrent.FutureTask<String>> next = calls.iterator();
    return tally(count, () -> {
      try {
        return next.next().get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
    });
  }

  /** One call's answer body (or a failure). */
  interface Call {
    String body() throws Exception;
  }

  /**
   * Makes {@code count} calls and answers the {@code DONE} line: the calls counted by the first
   * word of the body (the backend answers {@code "<version> <Host header>"}), the rest of the
   * bodies as hosts, and the failures.
   */
  static String tally(int count, Call call) {
    Map<String, Integer> counts = new TreeMap<>();
    TreeSet<String> hosts = new TreeSet<>();
    int errors = 0;
    String firstError = "";
    for (int i = 0; i < count; i++) {
      try {
        String[] answer = call.body().trim().split(" ", 2);
        counts.merge(answer[0], 1, Integer::sum);
        hosts.add(answer.length > 1 ? answer[1] : "");
      } catch (Exception e) {
        errors++;
        if (firstError.isEmpty()) {
          firstError = e.toString().replace('\n', ' ');
        }
      }
    }
    StringBuilder c = new StringBuilder();
    counts.forEach((k, v) -> c.append(c.length() == 0 ? "" : ",").append(k).append(':').append(v));
    return "DONE counts=" + c + " errors=" + errors + " hosts=" + String.join(",", hosts)
        + " firstError=" + firstError;
  }

  /** The {@code name:value} words of a command from {@code from} on. */
  static Map<String, String> headers(String[] parts, int from) {
    Map<String, String> headers = new TreeMap<>();
    for (int i = from; i < parts.length; i++) {
      int colon = parts[i].indexOf(':');
      headers.put(parts[i].substring(0, colon), parts[i].substring(colon + 1));
    }
    return headers;
  }

  /** A response other than 200 counts as {@code status-CODE-FLAGS}, e.g. {@code status-503-UH}. */
  static String notOk(int status, String flags, String body) {
    return "status-" + status + "-" + (flags == null || flags.isEmpty() ? "none" : flags) + " "
        + body.replace(' ', '_').replace(',', ';');
  }

  private static String viaHttpClient(String url, Map<String, String> headers, boolean async)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    headers.forEach(b::header);
    HttpResponse<String> r = async
        ? JDK.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).get()
        : JDK.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return notOk(r.statusCode(), r.headers().firstValue("x-inmesh-response-flags").orElse(""),
          r.body());
    }
    return r.body();
  }

  private static String viaUrlConnection(String url, Map<String, String> headers)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    headers.forEach(c::setRequestProperty);
    int status = c.getResponseCode();
    if (status != 200) {
      InputStream err = c.getErrorStream();
      String body = err == null ? "" : new String(err.readAllBytes(), StandardCharsets.UTF_8);
      return notOk(status, c.getHeaderField("x-inmesh-response-flags"), body);
    }
    try (InputStream body = c.getInputStream()) {
      // read fully so the connection goes back to the keep-alive cache
      return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
