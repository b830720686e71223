package io.inmesh.runtime;

import io.inmesh.api.MeshRequest;
import io.inmesh.policies.cluster.ActiveRequests;

/**
 * What the runtime keeps with a decision until its call completes: the request as the application
 * wrote it, what the mesh chose, and the endpoint's active-request count (LEAST_REQUEST), which
 * the decision raised and the outcome lowers.
 */
record CallState(
    MeshRequest request,
    String target,
    String routeName,
    String cluster,
    String upstreamHost,
    String responseFlags,
    ActiveRequests activeRequests,
    long startEpochMillis) {}
