package io.natrix;

import io.nats.client.Connection;
import io.nats.client.NUID;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One running service instance: the subscriptions of its endpoints and discovery verbs, its listeners and durable
 * listeners, and the drain that stops them.
 */
final class DefaultService implements Service {

    private static final System.Logger LOG = System.getLogger(Service.class.getName());

    private final String name;
    private final String id = NUID.nextGlobal();
    private final String version;
    private final String description;
    private final Map<String, String> metadata;
    private final Instant started = Instant.now();
    private final Duration drainTimeout;
    private final List<CoreConnection.Subscription> subscriptions = new ArrayList<>(); // endpoints and discovery
    private final List<EndpointRunner<?, ?>> endpoints = new ArrayList<>();
    private final List<ListenerRunner<?>> listeners = new ArrayList<>();
    private final List<DurableRunner<?>> durables = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Consumer<DefaultService> onClose;

    private final CoreConnection core;

    private boolean connectionLost() {
        return core.status() != CoreConnection.Status.CONNECTED;
    }

    private DefaultService(CoreConnection core, Duration drainTimeout, Service.Builder builder,
                           Consumer<DefaultService> onClose) {
        this.name = builder.name;
        this.version = builder.version;
        this.description = builder.description;
        this.metadata = builder.published();
        this.drainTimeout = drainTimeout;
        this.onClose = onClose;
        this.core = core;
    }

    static DefaultService start(Connection connection, CoreConnection core, JsonCodec codec, Observers observers,
                                Duration drainTimeout, Service.Builder builder, Consumer<DefaultService> onClose) {
        if (core.status() == CoreConnection.Status.CLOSED) {
            throw new ConnectionException(null, "cannot start service '" + builder.name + "': connection is "
                    + core.status(), null);
        }
        DefaultService service = new DefaultService(core, drainTimeout, builder, onClose);
        try {
            for (ListenerSpec<?> spec : builder.listeners) {
                service.listeners.add(new ListenerRunner<>(core, codec, builder.name, service.id, observers,
                        builder.listenerBacklog, spec));
            }
            for (DurableSpec<?> spec : builder.durables) {
                service.durables.add(new DurableRunner<>(connection, codec, builder.name, service.id, observers, spec));
            }
            if (!builder.listeners.isEmpty() && !core.flush(Duration.ofSeconds(5))) {
                // the listeners' interest is registered before the warm-up
                LOG.log(Level.WARNING, "service {0}: the NATS server did not confirm its listeners yet", builder.name);
            }
            builder.warmUp.run();
        } catch (Exception e) {
            service.abandon();
            service.listeners.forEach(ListenerRunner::stop);
            service.durables.forEach(durable -> durable.stop(Duration.ZERO));
            if (e instanceof IllegalStateException closed && core.status() == CoreConnection.Status.CLOSED) {
                throw new ConnectionException(null, "cannot start service '" + builder.name + "': connection is "
                        + core.status(), closed);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("service '" + builder.name + "' failed to warm up: " + e.getMessage(), e);
        }
        for (EndpointSpec<?, ?> spec : builder.endpoints.values()) {
            EndpointRunner<?, ?> runner = new EndpointRunner<>(core, codec, builder.name, service.id, observers, spec);
            service.subscriptions.add(runner.subscribe());
            service.endpoints.add(runner);
        }
        new DiscoveryResponder(service, core, codec).subscribe(service.subscriptions::add);
        try {
            // the server has every subscription once this round trip returns, so a call right after start() lands
            if (!core.flush(Duration.ofSeconds(5))) {
                LOG.log(Level.WARNING, "service {0} started, but the NATS server did not confirm its subscriptions yet", builder.name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return service;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String version() {
        return version;
    }

    String description() {
        return description;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    Instant started() {
        return started;
    }

    List<EndpointRunner<?, ?>> endpoints() {
        return endpoints;
    }

    @Override
    public ServiceInstance snapshot() {
        return new ServiceInstance(name, id, version, description, metadata, started,
                endpoints.stream().map(EndpointRunner::stats).toList());
    }

    @Override
    public List<ListenerStats> listeners() {
        List<ListenerStats> all = new ArrayList<>(listeners.stream().map(ListenerRunner::stats).toList());
        durables.forEach(durable -> all.add(durable.stats()));
        return all;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (connectionLost()) {
            durables.forEach(durable -> durable.stop(Duration.ZERO)); // unacknowledged events are redelivered elsewhere
            LOG.log(Level.WARNING, "service {0} closed without a drain: its NATS connection is not connected", name);
            stopRunners();
            onClose.accept(this);
            return;
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        try {
            List<CompletableFuture<Boolean>> drains = new ArrayList<>();
            drains.add(drainSubscriptions());
            for (ListenerRunner<?> listener : listeners) {
                drains.add(listener.drain(drainTimeout));
            }
            for (DurableRunner<?> durable : durables) {
                durable.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
            for (CompletableFuture<Boolean> drain : drains) {
                drain.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            for (EndpointRunner<?, ?> endpoint : endpoints) {
                if (!endpoint.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    LOG.log(Level.WARNING, "{0}.{1}: requests still running after the drain timeout of {2}",
                            name, endpoint.name(), drainTimeout);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            LOG.log(Level.WARNING, "service {0} closed after its connection: {1}", name, e.getMessage());
        } catch (Exception e) {
            LOG.log(Level.WARNING, "service {0} did not drain within {1}: {2}", name, drainTimeout, e.toString());
        } finally {
            stopRunners();
            onClose.accept(this);
        }
    }

    /** Ends the listeners' and endpoints' own threads: nothing more will come to them. */
    private void stopRunners() {
        listeners.forEach(ListenerRunner::stop);
        endpoints.forEach(EndpointRunner::stop);
    }

    /**
     * Ends the endpoints' and discovery's interest; completes once every request the server sent them before has
     * been admitted (a ping after the UNSUBs is answered after them all).
     */
    private CompletableFuture<Boolean> drainSubscriptions() {
        CompletableFuture<Boolean> drained = new CompletableFuture<>();
        Thread.startVirtualThread(() -> {
            try {
                drained.complete(core.drain(subscriptions, drainTimeout));
            } catch (InterruptedException | IllegalStateException closedMeanwhile) {
                drained.complete(false);
            }
        });
        return drained;
    }

    /** Marks the service closed without draining: its connection is gone, so nothing could be answered. */
    void abandon() {
        if (closed.compareAndSet(false, true)) {
            stopRunners();
            onClose.accept(this);
        }
    }

    @Override
    public String toString() {
        return "Service[" + name + " " + version + " " + id + "]";
    }
}
