package io.inmesh.runtime;

import io.inmesh.api.MeshRequest;
import io.inmesh.policies.CallGuard;
import io.inmesh.policies.cluster.ActiveRequests;
import io.inmesh.policies.cluster.Host;

/**
 * What the runtime keeps with a decision until its call completes: the request as the application
 * wrote it, what the mesh chose, the endpoint's active-request count (LEAST_REQUEST), which the
 * decision raised and the outcome lowers, and the call's guard (breakers, outlier detection),
 * which the outcome settles.
 */
record CallState(
    MeshRequest request,
    String target,
    String routeName,
    String cluster,
    String upstreamHost,
    String responseFlags,
    ActiveRequests activeRequests,
    long startEpochMillis,
    CallGuard guard,
    Host host) {}
