package io.inmesh.runtime.tls;

import io.inmesh.policies.log.AgentLog;
import io.inmesh.xds.bootstrap.FileWatcherCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;

/**
 * The {@code file_watcher} certificate provider (gRFC A29): reads the PEM files the bootstrap
 * names and re-reads them every {@code refresh_interval} (pilot-agent rotates the workload
 * certificate about hourly and rewrites the files). A reading that fails (a file half-written,
 * a key that does not match the certificate) is logged and the last good material keeps serving;
 * before the first good reading, callers trigger retries at most once a second (pilot-agent
 * writes the files shortly after the application starts).
 *
 * <p>Handshakes read {@link #current()}: one volatile read, no I/O.
 */
final class FileWatcherProvider {

  private static final AgentLog LOG = AgentLog.get(FileWatcherProvider.class);
  private static final long RETRY_NANOS = 1_000_000_000L;

  private final String instance;
  private final FileWatcherCertificates config;
  private volatile CertificateMaterial current;
  private volatile CertificateMaterial previous;
  private volatile String problem = "not read yet";
  private volatile long lastAttemptNanos;
  private String stamp = "";
  private String lastLoggedProblem;
  private final java.util.List<Runnable> onChange = new java.util.concurrent.CopyOnWriteArrayList<>();

  FileWatcherProvider(String instance, FileWatcherCertificates config) {
    this.instance = instance;
    this.config = config;
  }

  /** Runs {@code listener} (cheap, never throwing) after each reading that changed the material. */
  void onChange(Runnable listener) {
    onChange.add(listener);
  }

  String instance() {
    return instance;
  }

  FileWatcherCertificates config() {
    return config;
  }

  /** The material in force, or null before the first good reading. */
  CertificateMaterial current() {
    CertificateMaterial c = current;
    if (c == null && System.nanoTime() - lastAttemptNanos > RETRY_NANOS) {
      refresh();
      c = current;
    }
    return c;
  }

  /** The material of {@code generation}: the current or the one before it, else null. */
  CertificateMaterial generation(long generation) {
    CertificateMaterial c = current;
    if (c != null && c.generation() == generation) {
      return c;
    }
    CertificateMaterial p = previous;
    return p != null && p.generation() == generation ? p : null;
  }

  /** Why there is no material, for the refusal's message; null when there is. */
  String problem() {
    return current == null ? problem : null;
  }

  /** Re-reads the files if they changed; never throws. */
  synchronized void refresh() {
    lastAttemptNanos = System.nanoTime();
    try {
      String now = stamp();
      if (current != null && now.equals(stamp)) {
        return;
      }
      X509Certificate[] chain = null;
      PrivateKey key = null;
      if (config.hasIdentity()) {
        chain = PemFiles.certificates(read(config.certificateFile()), config.certificateFile());
        key = PemFiles.privateKey(read(config.privateKeyFile()), config.privateKeyFile());
        KeyPairCheck.requireMatch(chain[0], key, config.certificateFile(),
            config.privateKeyFile());
      }
      X509Certificate[] roots = config.hasRoots()
          ? PemFiles.certificates(read(config.caCertificateFile()), config.caCertificateFile())
          : null;
      CertificateMaterial old = current;
      if (old != null && Arrays.equals(old.chain(), chain) && Arrays.equals(old.roots(), roots)
          && Objects.equals(old.key(), key)) {
        stamp = now;
        return;
      }
      CertificateMaterial next = new CertificateMaterial(old == null ? 1 : old.generation() + 1,
          chain, key, roots);
      previous = old;
      current = next;
      stamp = now;
      lastLoggedProblem = null;
      onChange.forEach(Runnable::run);
      LOG.info("certificate provider %s: %s %s%s", instance,
          old == null ? "loaded" : "reloaded",
          chain == null ? "roots only" : "identity " + describe(chain[0]),
          roots == null ? "" : ", " + roots.length + " root(s)");
    } catch (IOException | RuntimeException e) {
      String message = e.getMessage();
      problem = message;
      if (!Objects.equals(message, lastLoggedProblem)) {
        lastLoggedProblem = message;
        LOG.warn("certificate provider %s: %s; %s", instance, message,
            current == null ? "calls to clusters that need it fail with 503 UF until it reads"
                : "the certificates read before keep serving");
      }
    }
  }

  private static String describe(X509Certificate leaf) {
    String id = SubjectAltNames.spiffeId(leaf);
    return (id != null ? id : leaf.getSubjectX500Principal().getName()) + " valid until "
        + leaf.getNotAfter().toInstant();
  }

  /** Modification times and sizes of the files: a cheap test for "rewritten since". */
  private String stamp() throws IOException {
    StringBuilder s = new StringBuilder();
    for (String file : new String[] {config.certificateFile(), config.privateKeyFile(),
        config.caCertificateFile()}) {
      if (file != null) {
        Path p = Path.of(file);
        if (!Files.exists(p)) {
          throw new IOException(file + " does not exist");
        }
        s.append(Files.getLastModifiedTime(p).toMillis()).append('/').append(Files.size(p))
            .append(';');
      }
    }
    return s.toString();
  }

  private static String read(String file) throws IOException {
    return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
  }
}
