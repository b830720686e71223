/**
 * Telemetry for the outcome of every meshed call: OpenTelemetry spans, Micrometer metrics with
 * Istio's names, access logs and the admin server. Empty until the telemetry issue lands.
 */
package io.inmesh.telemetry;
