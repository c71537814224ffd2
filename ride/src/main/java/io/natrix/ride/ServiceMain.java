package io.natrix.ride;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.natrix.Natrix;
import io.natrix.metrics.MetricsServer;
import io.natrix.metrics.NatrixMetrics;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.tracing.NatrixTracing;

/**
 * One ride service instance as a process of its own: {@code ServiceMain <role> <nats-urls> [port]} with role
 * users, geo, eta-quick, eta-careful, dispatch or gateway. Prints {@code ready <role>} once it serves; SIGTERM
 * stops it (the gateway ends its streams, services drain). With {@code -Dnatrix.metricsPort=N} (0: any free
 * port) it also serves its metrics on {@code http://127.0.0.1:N/metrics} and says where on stderr. Every hop is
 * traced (the last traces kept in memory, {@code natrix trace ID} reads them; OTLP export if
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set) unless {@code -Dnatrix.tracing=off}.
 */
public final class ServiceMain {

    private ServiceMain() {
    }

    public static void main(String[] args) throws Exception {
        RideRole role = RideRole.of(args[0]);
        Natrix natrix = Natrix.builder().servers(args[1]).connectionName(role.label() + "-" + ProcessHandle.current().pid()).connect();
        DispatchConfig dispatch = DispatchConfig.defaults().replicas(Integer.parseInt(System.getProperty("natrix.replicas", "1")));
        // traced before it serves, so its first request is traced too; -Dnatrix.tracing=off turns it off
        if (!"off".equals(System.getProperty("natrix.tracing"))) {
            NatrixTracing.builder(natrix).serviceName(role.label()).install();
        }
        AutoCloseable instance = role.start(natrix, dispatch, args.length > 2 ? Integer.parseInt(args[2]) : 0);
        String metricsPort = System.getProperty("natrix.metricsPort");
        String ready = "ready " + role.label();
        if (metricsPort != null) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            NatrixMetrics.bind(natrix, registry);
            NatrixMetrics.bindJvm(registry);
            MetricsServer metrics = MetricsServer.start(registry, "127.0.0.1", Integer.parseInt(metricsPort));
            System.err.println(role.label() + ": metrics on http://127.0.0.1:" + metrics.port() + "/metrics");
            ready += " metrics http://127.0.0.1:" + metrics.port() + "/metrics";
        }
        // runs before the connection's own hook closes what is left; closing twice is harmless
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            try {
                instance.close();
            } catch (Exception e) {
                // the process is ending either way
            }
        }));
        System.out.println(ready);
        System.out.flush();
        Thread.currentThread().join();
    }
}
