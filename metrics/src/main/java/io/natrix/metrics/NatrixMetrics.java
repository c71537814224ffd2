package io.natrix.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.nats.client.Connection;
import io.natrix.EndpointStats;
import io.natrix.ListenerStats;
import io.natrix.Natrix;
import io.natrix.Service;
import jdk.management.VirtualThreadSchedulerMXBean;

import java.lang.management.ManagementFactory;
import java.util.function.ToDoubleFunction;

/**
 * Puts natrix's own counters into a Micrometer registry, read when the registry is read, so they are the
 * very numbers {@code $SRV.STATS} answers with. Prometheus names: {@code natrix_endpoint_requests_total},
 * {@code natrix_endpoint_errors_total}, {@code natrix_endpoint_overloaded_total},
 * {@code natrix_endpoint_in_flight}, {@code natrix_endpoint_processing_seconds_total} (tags {@code service},
 * {@code instance}, {@code endpoint}, {@code subject}); {@code natrix_listener_events_total},
 * {@code _errors_total}, {@code _dropped_total}, {@code natrix_listener_pending} (tags {@code service},
 * {@code instance}, {@code subject}); {@code natrix_nats_connected}, {@code natrix_nats_reconnects_total},
 * {@code natrix_nats_messages_in_total}, {@code natrix_nats_messages_out_total}; and the JVM's, virtual
 * threads included ({@code natrix_jvm_virtual_threads_mounted}, {@code _queued}). {@link #bindHops} adds
 * latency timers and errors by code.
 *
 * <p>Meters hold their service weakly; bind a service once, after {@code start()}.
 */
public final class NatrixMetrics {

    private NatrixMetrics() {
    }

    /**
     * The connection of {@code natrix}, every service instance started on it so far, and the timing of every
     * hop it makes from now on ({@link #bindHops}).
     */
    public static void bind(Natrix natrix, MeterRegistry registry) {
        bindConnection(natrix, registry);
        natrix.services().forEach(service -> bindService(service, registry));
        bindHops(natrix, registry);
    }

    /**
     * Times every hop of {@code natrix}, by outcome, with p50 and p99:
     * {@code natrix_endpoint_latency_seconds} (tags {@code service}, {@code instance}, {@code endpoint},
     * {@code outcome}), {@code natrix_listener_latency_seconds}, {@code natrix_call_latency_seconds} and
     * {@code natrix_publish_latency_seconds} (tags {@code subject}, {@code outcome}), the gateway's
     * {@code natrix_gateway_requests_seconds} (tags {@code route}, {@code status}); and counts errors by code,
     * {@code natrix_endpoint_errors_by_code_total} (tag {@code code}). Bind once per connection.
     */
    public static void bindHops(Natrix natrix, MeterRegistry registry) {
        natrix.observe(new HopMeters(registry));
    }

    /** Every endpoint and listener of a started service instance. */
    public static void bindService(Service service, MeterRegistry registry) {
        for (EndpointStats endpoint : service.snapshot().endpoints()) {
            Tags tags = Tags.of("service", service.name(), "instance", service.id(), "endpoint", endpoint.name(),
                    "subject", endpoint.subject());
            String name = endpoint.name();
            endpointCounter(registry, "natrix.endpoint.requests", "requests received, refused ones included", tags,
                    service, name, EndpointStats::requests);
            endpointCounter(registry, "natrix.endpoint.errors", "requests answered with an error", tags, service, name,
                    EndpointStats::errors);
            endpointCounter(registry, "natrix.endpoint.overloaded", "requests refused at the in-flight bound", tags,
                    service, name, EndpointStats::overloaded);
            FunctionCounter.builder("natrix.endpoint.processing", service,
                            s -> endpoint(s, name, stats -> stats.processingTime().toNanos() / 1e9))
                    .description("time spent handling requests").baseUnit("seconds").tags(tags).register(registry);
            Gauge.builder("natrix.endpoint.in.flight", service, s -> endpoint(s, name, EndpointStats::inFlight))
                    .description("requests being handled now").tags(tags).register(registry);
        }
        for (ListenerStats listener : service.listeners()) {
            Tags tags = Tags.of("service", service.name(), "instance", service.id(), "subject", listener.subject());
            String subject = listener.subject();
            listenerCounter(registry, "natrix.listener.events", "events handled", tags, service, subject, ListenerStats::handled);
            listenerCounter(registry, "natrix.listener.errors", "events whose handler failed", tags, service, subject,
                    ListenerStats::errors);
            listenerCounter(registry, "natrix.listener.dropped", "events dropped because the listener fell behind", tags,
                    service, subject, ListenerStats::dropped);
            Gauge.builder("natrix.listener.pending", service, s -> listener(s, subject, ListenerStats::pending))
                    .description("events received and waiting for the handler (the listener's lag)").tags(tags)
                    .register(registry);
        }
    }

    /** The NATS connections of a {@link Natrix} (its core connection and jnats's): state, reconnects, messages. */
    public static void bindConnection(Natrix natrix, MeterRegistry registry) {
        Tags tags = Tags.of("connection", String.valueOf(natrix.nats().getOptions().getConnectionName()));
        Gauge.builder("natrix.nats.connected", natrix, n -> n.connectionStats().connected() ? 1 : 0)
                .description("1 while connected to a NATS server").tags(tags).register(registry);
        FunctionCounter.builder("natrix.nats.reconnects", natrix, n -> n.connectionStats().reconnects())
                .description("reconnections to a NATS server").tags(tags).register(registry);
        FunctionCounter.builder("natrix.nats.messages.in", natrix, n -> n.connectionStats().messagesIn())
                .description("messages received").tags(tags).register(registry);
        FunctionCounter.builder("natrix.nats.messages.out", natrix, n -> n.connectionStats().messagesOut())
                .description("messages sent").tags(tags).register(registry);
        FunctionCounter.builder("natrix.nats.permission.violations", natrix, Natrix::permissionViolations)
                .description("publishes and subscriptions the server refused this connection: 0 in a correct program")
                .tags(tags).register(registry);
    }

    /** The JVM: memory, collections, threads, classes, CPU, uptime and the virtual-thread scheduler. */
    public static void bindJvm(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry); // lives as long as the process: nothing to close
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        VirtualThreadSchedulerMXBean scheduler = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
        Gauge.builder("natrix.jvm.virtual.threads.mounted", scheduler, VirtualThreadSchedulerMXBean::getMountedVirtualThreadCount)
                .description("virtual threads running on a carrier now").register(registry);
        Gauge.builder("natrix.jvm.virtual.threads.queued", scheduler, VirtualThreadSchedulerMXBean::getQueuedVirtualThreadCount)
                .description("virtual threads waiting for a carrier").register(registry);
        Gauge.builder("natrix.jvm.virtual.scheduler.parallelism", scheduler, VirtualThreadSchedulerMXBean::getParallelism)
                .description("carrier threads the virtual-thread scheduler aims for").register(registry);
    }

    private static void endpointCounter(MeterRegistry registry, String name, String description, Tags tags, Service service,
                                        String endpoint, ToDoubleFunction<EndpointStats> value) {
        FunctionCounter.builder(name, service, s -> endpoint(s, endpoint, value)).description(description).tags(tags)
                .register(registry);
    }

    private static void listenerCounter(MeterRegistry registry, String name, String description, Tags tags, Service service,
                                        String subject, ToDoubleFunction<ListenerStats> value) {
        FunctionCounter.builder(name, service, s -> listener(s, subject, value)).description(description).tags(tags)
                .register(registry);
    }

    private static double endpoint(Service service, String name, ToDoubleFunction<EndpointStats> value) {
        return service.snapshot().endpoints().stream().filter(e -> e.name().equals(name)).findFirst()
                .map(value::applyAsDouble).orElse(Double.NaN);
    }

    private static double listener(Service service, String subject, ToDoubleFunction<ListenerStats> value) {
        return service.listeners().stream().filter(l -> l.subject().equals(subject)).findFirst()
                .map(value::applyAsDouble).orElse(Double.NaN);
    }
}
