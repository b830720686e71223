package io.inmesh.runtime;

import io.inmesh.api.Mesh;
import io.inmesh.instrumentation.ClientInstrumentation;
import java.lang.instrument.Instrumentation;

/** Instruments the clients and hands the data plane to {@link Mesh}, once the API is reachable. */
final class MeshActivation {

  private MeshActivation() {}

  static MeshRuntime activate(Instrumentation inst, ClassLoader agentLoader, MeshSource source,
      AgentConfig config, String sourceIp) {
    ClientInstrumentation.install(inst, agentLoader, ClientInstrumentation.all());
    MeshRuntime runtime = new MeshRuntime(source, config.exclusions(), LocalReplyServer.start(),
        sourceIp, java.util.List.of());
    Mesh.install(runtime);
    OutlierTicker.start(source);
    return runtime;
  }
}
