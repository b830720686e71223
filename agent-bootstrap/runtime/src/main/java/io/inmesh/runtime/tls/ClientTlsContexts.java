package io.inmesh.runtime.tls;

import io.inmesh.policies.log.AgentLog;
import io.inmesh.policies.tls.CertificateSource;
import io.inmesh.policies.tls.UpstreamTls;
import io.inmesh.xds.bootstrap.FileWatcherCertificates;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The TLS of every cluster that has one: a {@link ClientTls} per distinct configuration (calls to
 * clusters with equal settings share an SSL context and its session cache) and one
 * {@link FileWatcherProvider} per bootstrap instance in use. Providers start on first use, so a
 * bootstrap that names files (as pilot-agent's always does) costs nothing while no cluster asks
 * for TLS.
 */
public final class ClientTlsContexts {

  private static final AgentLog LOG = AgentLog.get(ClientTlsContexts.class);
  private static final int MAX_CACHED = 4096;

  private final Map<String, FileWatcherCertificates> configs;
  private final Map<String, FileWatcherProvider> providers = new ConcurrentHashMap<>();
  private final Map<UpstreamTls, ClientTls> byCluster = new ConcurrentHashMap<>();
  private final Map<String, ClientTls> byKey = new ConcurrentHashMap<>();
  private volatile ScheduledExecutorService refresher;

  /** @param configs the bootstrap's {@code certificate_providers} */
  public ClientTlsContexts(Map<String, FileWatcherCertificates> configs) {
    this.configs = Map.copyOf(configs);
  }

  /**
   * The TLS for a cluster's settings; the lookup is one hash probe after the first call.
   *
   * @throws IllegalStateException when the settings cannot be made into an SSL context (a name
   *     the bootstrap lacks, which the decoder already refuses; a JDK without TLS)
   */
  public ClientTls forCluster(UpstreamTls tls, String cluster) {
    ClientTls found = byCluster.get(tls);
    if (found != null) {
      return found;
    }
    if (byCluster.size() > MAX_CACHED) {
      byCluster.clear();
    }
    String key = tls.contextKey() + "|" + tls.sni();
    ClientTls made = byKey.computeIfAbsent(key, k -> create(tls, cluster));
    byCluster.put(tls, made);
    return made;
  }

  private ClientTls create(UpstreamTls tls, String cluster) {
    try {
      return new ClientTls(tls, tls.identity() == null ? null : provider(tls.identity()),
          provider(tls.validation()), cluster);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a TLS context for cluster " + cluster + ": "
          + e.getMessage(), e);
    }
  }

  private FileWatcherProvider provider(CertificateSource source) {
    return providers.computeIfAbsent(source.instance(), name -> {
      FileWatcherCertificates config = configs.get(name);
      if (config == null) {
        throw new IllegalStateException("certificate provider instance " + name
            + " is not in the bootstrap");
      }
      FileWatcherProvider p = new FileWatcherProvider(name, config);
      p.refresh();
      long every = Math.max(1, config.refreshInterval().toMillis());
      scheduler().scheduleWithFixedDelay(p::refresh, every, every, TimeUnit.MILLISECONDS);
      LOG.debug("certificate provider %s watches its files every %s", name,
          config.refreshInterval());
      return p;
    });
  }

  private synchronized ScheduledExecutorService scheduler() {
    if (refresher == null) {
      refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "inmesh-certificates");
        t.setDaemon(true);
        return t;
      });
    }
    return refresher;
  }

  /** Stops watching files (agent shutdown). */
  public synchronized void close() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
  }
}
