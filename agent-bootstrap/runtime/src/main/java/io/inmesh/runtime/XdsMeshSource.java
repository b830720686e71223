package io.inmesh.runtime;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.route.RouteTable;
import io.inmesh.xds.bootstrap.Bootstrap;
import io.inmesh.xds.client.XdsClient;
import io.inmesh.xds.client.XdsClientSettings;

/** The xDS client as the data plane sees it. */
final class XdsMeshSource implements MeshSource {

  private final XdsClient client;

  private XdsMeshSource(XdsClient client) {
    this.client = client;
  }

  static XdsMeshSource start(Bootstrap bootstrap, AgentConfig config) {
    XdsClientSettings settings = XdsClientSettings.defaults()
        .withResourceTimeout(config.resourceTimeout())
        .withMaxTargets(config.maxTargets());
    return new XdsMeshSource(XdsClient.start(bootstrap, settings));
  }

  @Override
  public MeshSnapshot snapshot() {
    return client.snapshot();
  }

  @Override
  public RouteTable routesFor(String target) {
    client.awaitTarget(target);
    return client.snapshot().routesByTarget().get(target);
  }
}
