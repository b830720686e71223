package io.inmesh.instrumentation.http.urlconnection;

import java.net.URL;
import net.bytebuddy.asm.Advice;

/**
 * Gives an {@code HttpsClient} dialled at a mesh endpoint the application's host name while its
 * TLS identity is established and checked, and its endpoint address again afterwards (a reconnect
 * of a stale kept-alive connection must dial the endpoint, not resolve the name). The name travels
 * in the endpoint URL's user-info, {@code inmesh-route:HOST}, set by {@link NewHttpsClientAdvice}.
 */
public final class TlsIdentityAdvice {

  private TlsIdentityAdvice() {}

  /** {@code afterConnect()}: SNI and endpoint identification use the {@code host} field. */
  public static final class HostDuringHandshake {

    private HostDuringHandshake() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static String enter(@Advice.FieldValue("url") URL url,
        @Advice.FieldValue(value = "host", readOnly = false) String host) {
      String info = url == null ? null : url.getUserInfo();
      if (info == null || !info.startsWith("inmesh-route:")) {
        return null;
      }
      String endpointHost = host;
      host = info.substring("inmesh-route:".length());
      return endpointHost;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter String endpointHost,
        @Advice.FieldValue(value = "host", readOnly = false) String host) {
      if (endpointHost != null) {
        host = endpointHost;
      }
    }
  }

  /** {@code checkURLSpoofing(HostnameVerifier)}: a custom verifier is asked about the URL's host. */
  public static final class UrlDuringVerification {

    private UrlDuringVerification() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static URL enter(@Advice.FieldValue(value = "url", readOnly = false) URL url)
        throws java.net.MalformedURLException {
      String info = url == null ? null : url.getUserInfo();
      if (info == null || !info.startsWith("inmesh-route:")) {
        return null;
      }
      URL endpointUrl = url;
      url = new URL("https", info.substring("inmesh-route:".length()), url.getPort(),
          url.getFile());
      return endpointUrl;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter URL endpointUrl,
        @Advice.FieldValue(value = "url", readOnly = false) URL url) {
      if (endpointUrl != null) {
        url = endpointUrl;
      }
    }
  }
}
