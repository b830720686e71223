package io.inmesh.xds.resource;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Listener;

/**
 * LDS: {@code envoy.config.listener.v3.Listener} in the proxyless shape istiod's grpc generator
 * sends: {@code api_listener.api_listener} is an HttpConnectionManager that names its RDS route
 * configuration or carries one inline, decoded by {@link HttpConnectionManagerDecoder} with
 * gRPC's rules (gRFC A39): a filter type this client does not know rejects the listener unless
 * {@code is_optional}, and the router must be present and last. The sidecar shape is
 * {@link SidecarListenerResourceType}.
 */
public final class ListenerResourceType extends ListenerType<ListenerUpdate> {

  public static final String TYPE_URL = "type.googleapis.com/envoy.config.listener.v3.Listener";

  static final String HCM_TYPE_URL = HttpConnectionManagerDecoder.HCM_TYPE_URL;
  static final String ROUTER = HttpConnectionManagerDecoder.ROUTER;

  @Override
  protected ListenerUpdate parse(Listener listener) throws ResourceException {
    if (!listener.hasApiListener()) {
      throw new ResourceException(null, "listener has no api_listener (a sidecar-shaped listener:"
          + " this client runs in proxyless mode, see xds_mode)");
    }
    Any api = listener.getApiListener().getApiListener();
    if (!HCM_TYPE_URL.equals(api.getTypeUrl())) {
      throw new ResourceException(null, "api_listener is " + api.getTypeUrl()
          + ", expected HttpConnectionManager");
    }
    return HttpConnectionManagerDecoder.decode(listener.getName(), api,
        HttpConnectionManagerDecoder.Strictness.GRPC);
  }
}
