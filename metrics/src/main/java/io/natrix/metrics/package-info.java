/**
 * Metrics of natrix processes: {@link io.natrix.metrics.NatrixMetrics} binds a service's endpoints and
 * listeners, its connection and the JVM to a Micrometer registry; {@link io.natrix.metrics.MetricsServer}
 * serves a Prometheus registry on {@code /metrics}.
 *
 * <p>Meters read natrix's counters when the registry is read (no work per request). Whoever starts a
 * {@code MetricsServer} closes it.
 */
package io.natrix.metrics;
