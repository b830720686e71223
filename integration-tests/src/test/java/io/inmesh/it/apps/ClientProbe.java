package io.inmesh.it.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link HttpProbe}'s command loop for HTTP client libraries the test JVM does not have: the child
 * application runs this main class with one library's {@link Client} (compiled by the test from
 * {@code integration-tests/client-apps/src} against that library, see
 * {@code io.inmesh.it.support.ClientApps}) and the library's jars on its class path; a second
 * argument {@code h2} makes it call over cleartext HTTP/2. Commands on
 * stdin: {@code call CLIENT COUNT URL [name:value ...]} (CLIENT is ignored: there is one),
 * {@code fetch CLIENT URL [name:value ...]}, {@code burst CLIENT COUNT URL} (the calls at once),
 * {@code pooled} (answers {@code POOLED n}: idle connections in the client's pool) and
 * {@code quit}.
 */
public final class ClientProbe {

  /** One library's way to make a GET call, keep-alive on. */
  public interface Client {

    Answer get(String url, Map<String, String> headers) throws Exception;

    /** Idle connections the client's pool holds now. */
    int pooledConnections();

    /** A class of the library, to report the jar it was loaded from. */
    Class<?> libraryClass();

    /** The same library configured for cleartext HTTP/2 (h2c), as an application would. */
    default Client http2() {
      throw new UnsupportedOperationException("no HTTP/2 for " + libraryClass().getName());
    }
  }

  /**
   * A response: status, {@code x-inmesh-response-flags}, body, and every header (names
   * case-insensitive).
   */
  public record Answer(int status, String flags, String body, Map<String, List<String>> headers) {

    public Answer(int status, String flags, String body) {
      this(status, flags, body, Map.of());
    }

    /** An answer with the headers copied into a case-insensitive map. */
    public static Answer of(int status, String body, Map<String, List<String>> headers) {
      Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.forEach((k, v) -> copy.computeIfAbsent(k, n -> new ArrayList<>()).addAll(v));
      List<String> flags = copy.get("x-inmesh-response-flags");
      return new Answer(status, flags == null ? null : flags.get(0), body, copy);
    }
  }

  public static void main(String[] args) throws Exception {
    Client client = (Client) Class.forName(args[0]).getConstructor().newInstance();
    if (args.length > 1 && args[1].equals("h2")) {
      client = client.http2();
    }
    System.out.println("READY " + Paths.get(client.libraryClass().getProtectionDomain()
        .getCodeSource().getLocation().toURI()).getFileName());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] parts = line.trim().split("\\s+");
      if (parts[0].equals("quit")) {
        break;
      }
      if (parts[0].equals("call")) {
        System.out.println(call(client, parts));
      } else if (parts[0].equals("burst")) {
        System.out.println(burst(client, parts));
      } else if (parts[0].equals("fetch")) {
        System.out.println(fetch(client, parts));
      } else if (parts[0].equals("pooled")) {
        System.out.println("POOLED " + client.pooledConnections());
      }
    }
    System.out.println("BYE");
  }

  /**
   * {@code fetch CLIENT URL [name:value ...]}: one call (redirects not followed), answered as
   * {@link HttpProbe}'s fetch is.
   */
  private static String fetch(Client client, String[] parts) {
    Map<String, String> headers = HttpProbe.headers(parts, 3);
    try {
      Answer a = client.get(parts[2], headers);
      Map<String, List<String>> responseHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      responseHeaders.putAll(a.headers());
      return HttpProbe.fetched(a.status(), responseHeaders, a.body());
    } catch (Exception e) {
      return "FETCHED error=" + e.toString().replace('\n', ' ');
    }
  }

  private static String call(Client client, String[] parts) {
    String url = parts[3];
    Map<String, String> headers = HttpProbe.headers(parts, 4);
    return HttpProbe.tally(Integer.parseInt(parts[2]), () -> {
      Answer a = client.get(url, headers);
      return a.status() == 200 ? a.body() : HttpProbe.notOk(a.status(), a.flags(), a.body());
    });
  }

  /** {@code burst CLIENT COUNT URL}: COUNT calls at once, answered as call's are. */
  private static String burst(Client client, String[] parts) {
    String url = parts[3];
    return HttpProbe.tallyAtOnce(Integer.parseInt(parts[2]), () -> {
      Answer a = client.get(url, Map.of());
      return a.status() == 200 ? a.body() : HttpProbe.notOk(a.status(), a.flags(), a.body());
    });
  }

  private ClientProbe() {}
}
