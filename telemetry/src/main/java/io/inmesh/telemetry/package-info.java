/**
 * Telemetry for the outcome of every meshed call: Micrometer metrics with Istio's names and
 * labels ({@link io.inmesh.telemetry.IstioMetrics}), Envoy-style JSON access logs
 * ({@link io.inmesh.telemetry.AccessLog}), the Prometheus listener
 * ({@link io.inmesh.telemetry.MetricsServer}) and the admin server
 * ({@link io.inmesh.telemetry.AdminServer}), started together by
 * {@link io.inmesh.telemetry.Telemetry}. Spans (OpenTelemetry) are not here yet.
 */
package io.inmesh.telemetry;
