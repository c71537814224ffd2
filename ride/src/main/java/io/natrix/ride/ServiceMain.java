package io.natrix.ride;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.natrix.Natrix;
import io.natrix.gateway.Gateway;
import io.natrix.metrics.MetricsServer;
import io.natrix.metrics.NatrixMetrics;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.tracing.NatrixTracing;

import java.util.OptionalInt;

/**
 * One ride service instance as a process of its own: {@code ServiceMain <role> <nats-urls> [port]} with role
 * users, geo, eta-quick, eta-careful, dispatch or gateway; in a container, {@code ServiceMain <role>} with the
 * NATS URLs in {@code NATS_URL} and a gateway's port in {@code NATRIX_HTTP_PORT}. Prints {@code ready <role>} once it serves; SIGTERM
 * stops it (the gateway ends its streams, services drain). With {@code -Dnatrix.ingestPort=N} (0: any free port) a
 * gateway also serves its location WebSockets on an event loop there ({@code Gateway.Builder#ingestPort}) and
 * says where on its ready line ({@code ingest ws://127.0.0.1:N}). With {@code -Dnatrix.metricsPort=N} (0: any free
 * port) it also serves its metrics on {@code http://127.0.0.1:N/metrics} and says where on stderr. Every hop is
 * traced (the last traces kept in memory, {@code natrix trace ID} reads them; OTLP export if
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set) unless {@code -Dnatrix.tracing=off}. With
 * {@code -Dnatrix.exitWithParent=true} (how {@link RideProcesses} starts it) it stops itself, draining as on
 * SIGTERM, when its parent dies however it dies: its stdin is a pipe from the parent, and the kernel closes it.
 * With {@code -Dnatrix.nats.creds=SEED_FILE -Dnatrix.nats.ca=CA_PEM} it connects as its role's own NATS user
 * over TLS ({@link RidePermissions}). With {@code -Dnatrix.token.signing=FILE} (users) it mints bearer tokens at
 * sign-up, with {@code -Dnatrix.token.keys=FILE} (gateway) it requires them ({@link RideSecurity}).
 */
public final class ServiceMain {

    /** How long an instance whose parent died may drain before it halts: children end within 5 s of it. */
    static final java.time.Duration PARENT_GONE_DRAIN = java.time.Duration.ofSeconds(3);

    private ServiceMain() {
    }

    public static void main(String[] args) throws Exception {
        exitWhenParentDies(); // first: a parent that dies while this instance starts must not leave it behind
        RideRole role = RideRole.of(args[0]);
        // in a container the role is the one argument, the rest comes from the environment (docs/scaling.md)
        String servers = args.length > 1 ? args[1] : System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
        Natrix.Builder builder = Natrix.builder().servers(servers).connectionName(role.label() + "-" + ProcessHandle.current().pid());
        RideRole.region().ifPresent(builder::region);
        Natrix natrix = secured(builder, role).connect();
        DispatchConfig dispatch = DispatchConfig.defaults();
        // traced before it serves, so its first request is traced too; -Dnatrix.tracing=off turns it off
        if (!"off".equals(System.getProperty("natrix.tracing"))) {
            NatrixTracing.builder(natrix).serviceName(role.label()).install();
        }
        String ingestPort = System.getProperty("natrix.ingestPort");
        int port = args.length > 2 ? Integer.parseInt(args[2]) : Integer.parseInt(System.getenv().getOrDefault("NATRIX_HTTP_PORT", "0"));
        AutoCloseable instance = role.start(natrix, dispatch, port,
                ingestPort == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(ingestPort)), RideTokens.fromSystemProperties());
        String metricsPort = System.getProperty("natrix.metricsPort");
        String ready = "ready " + role.label();
        if (instance instanceof Gateway gateway && gateway.ingestPort().isPresent()) {
            ready += " ingest ws://127.0.0.1:" + gateway.ingestPort().getAsInt();
        }
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

    /**
     * With {@code -Dnatrix.nats.creds=SEED_FILE} and {@code -Dnatrix.nats.ca=CA_PEM}, connects as the role's own
     * user over TLS trusting that authority alone, with the role's private inbox prefix; without them, as
     * anyone, in the clear (the open mode, for comparison).
     */
    static Natrix.Builder secured(Natrix.Builder builder, RideRole role) {
        String creds = System.getProperty("natrix.nats.creds");
        String ca = System.getProperty("natrix.nats.ca");
        if (creds == null && ca == null) {
            return builder;
        }
        if (creds == null || ca == null) {
            throw new IllegalArgumentException("give both -Dnatrix.nats.creds and -Dnatrix.nats.ca, or neither");
        }
        return builder.credentials(java.nio.file.Path.of(creds)).trust(java.nio.file.Path.of(ca))
                .inboxPrefix(RidePermissions.inboxPrefix(role));
    }

    private static void exitWhenParentDies() {
        if (!Boolean.getBoolean("natrix.exitWithParent")) {
            return;
        }
        Thread.ofPlatform().daemon().name("natrix-parent-watch").start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing: the end of the pipe is the message
                }
            } catch (java.io.IOException closed) {
                // the same: the parent is gone
            }
            System.err.println("the parent process is gone: stopping");
            // the shutdown hooks drain, as on SIGTERM; but the parent's NATS may be gone too, and a drain that
            // waits on it must not keep this process past the bound a dead parent's children are held to
            Thread.ofPlatform().daemon().name("natrix-parent-watch-halt").start(() -> {
                try {
                    Thread.sleep(PARENT_GONE_DRAIN);
                } catch (InterruptedException ignored) {
                    // halt all the same
                }
                Runtime.getRuntime().halt(0);
            });
            System.exit(0);
        });
    }
}
