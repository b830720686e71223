package io.inmesh.runtime;

import io.inmesh.policies.MeshSnapshot;
import io.inmesh.policies.route.RouteTable;

/** Where the data plane reads the mesh from: the xDS client, seen from the hot path. */
interface MeshSource {

  /** The current snapshot (a volatile read). */
  MeshSnapshot snapshot();

  /**
   * The route table of an HTTP call, watching its target if it is new; null means pass-through.
   * The first call for a new target may wait up to the resource timeout; later calls never wait.
   *
   * @param target {@code host:port} as the application wrote it
   */
  RouteTable routesFor(String target, String host, int port);
}
