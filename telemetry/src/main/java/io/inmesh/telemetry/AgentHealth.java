package io.inmesh.telemetry;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the agent runtime knows about its own health, read when scraped or asked: the telemetry
 * module owns no xDS state. Every supplier must be cheap and thread-safe.
 *
 * @param ready whether the agent is ready: the first xDS response arrived, or the initial fetch
 *     bound passed ({@code /ready})
 * @param xdsConnected whether the ADS stream is up ({@code inmesh_xds_connected})
 * @param configVersion the published snapshot's version ({@code inmesh_xds_config_version})
 * @param nacks NACKs sent so far ({@code inmesh_xds_nacks_total})
 * @param resources resource counts by type ({@code listener}, {@code route}, {@code cluster},
 *     {@code endpoint}; {@code inmesh_xds_resources{type=...}})
 */
public record AgentHealth(BooleanSupplier ready, BooleanSupplier xdsConnected,
    LongSupplier configVersion, LongSupplier nacks, Supplier<Map<String, Integer>> resources,
    Supplier<XdsStatus> xdsStatus) {

  /** The resource types reported as gauges. */
  public static final String[] RESOURCE_TYPES = {"listener", "route", "cluster", "endpoint"};

  /** A health that knows nothing: always ready, never connected. */
  public static final AgentHealth NONE =
      new AgentHealth(() -> true, () -> false, () -> 0, () -> 0, Map::of, () -> XdsStatus.NONE);

  public AgentHealth {
    ready = ready != null ? ready : () -> true;
    xdsConnected = xdsConnected != null ? xdsConnected : () -> false;
    configVersion = configVersion != null ? configVersion : () -> 0;
    nacks = nacks != null ? nacks : () -> 0;
    resources = resources != null ? resources : Map::of;
    xdsStatus = xdsStatus != null ? xdsStatus : () -> XdsStatus.NONE;
  }

  public AgentHealth(BooleanSupplier ready, BooleanSupplier xdsConnected,
      LongSupplier configVersion, LongSupplier nacks, Supplier<Map<String, Integer>> resources) {
    this(ready, xdsConnected, configVersion, nacks, resources, null);
  }
}
