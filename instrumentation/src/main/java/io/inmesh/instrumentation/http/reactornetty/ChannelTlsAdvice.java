package io.inmesh.instrumentation.http.reactornetty;

import io.inmesh.api.MeshTls;
import io.inmesh.api.MeshTlsAddress;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.net.SocketAddress;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code HttpClientConfig.HttpClientChannelInitializer.onChannelInit(ConnectionObserver,
 * Channel, SocketAddress)}: a channel to an endpoint whose cluster requires TLS (its address is a
 * {@link MeshTlsAddress}, see {@link RemoteAddressAdvice}) gets the mesh's TLS as the first
 * handler of its pipeline, under the HTTP codec Reactor Netty just added. Netty's SslHandler holds
 * the request back until the handshake is done. References only the bootstrap API, Netty and the
 * JDK; no lambdas.
 */
public final class ChannelTlsAdvice {

  private ChannelTlsAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.Argument(1) Channel channel,
      @Advice.Argument(2) SocketAddress remote) {
    if (!(remote instanceof MeshTlsAddress) || channel == null
        || channel.pipeline().get(SslHandler.class) != null) {
      return;
    }
    MeshTlsAddress endpoint = (MeshTlsAddress) remote;
    MeshTls tls = endpoint.tls();
    SSLEngine engine = tls.context().createSSLEngine(endpoint.getHostString(),
        endpoint.getPort());
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    tls.configure(parameters);
    engine.setSSLParameters(parameters);
    channel.pipeline().addFirst("inmesh.tls", new SslHandler(engine));
  }
}
