package io.inmesh.runtime.tls;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.inmesh.xds.bootstrap.ChannelCredentialsType;
import io.inmesh.xds.bootstrap.FileWatcherCertificates;
import io.inmesh.xds.bootstrap.XdsServer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The xDS channel's credentials from the bootstrap's {@code channel_creds}: plaintext, or TLS
 * (gRFC A65) whose files are watched like a {@code file_watcher} provider's: the client
 * certificate, when configured, is presented as read at each handshake; the server is verified
 * against the CA file (or the JDK's roots without one) and the host name of {@code server_uri}.
 *
 * <p>With Istio, keep pilot-agent's local socket: istiod's TLS port 15012 also wants a
 * service-account token on every stream, which pilot-agent adds and {@code channel_creds} cannot
 * express.
 */
public final class XdsChannelCredentials {

  private XdsChannelCredentials() {}

  public static ChannelCredentials of(XdsServer server) {
    if (server.credentials() != ChannelCredentialsType.TLS) {
      return InsecureChannelCredentials.create();
    }
    FileWatcherCertificates files = server.tls();
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    if (files.hasIdentity() || files.hasRoots()) {
      FileWatcherProvider provider = new FileWatcherProvider("xds_servers[0].channel_creds tls",
          files);
      provider.refresh();
      long every = Math.max(1, files.refreshInterval().toMillis());
      ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "inmesh-xds-certificates");
        t.setDaemon(true);
        return t;
      });
      refresher.scheduleWithFixedDelay(provider::refresh, every, every, TimeUnit.MILLISECONDS);
      if (files.hasIdentity()) {
        tls.keyManager(new WorkloadKeyManager(provider));
      }
      if (files.hasRoots()) {
        tls.trustManager(new ReloadingServerTrust(provider));
      }
    }
    return tls.build();
  }
}
