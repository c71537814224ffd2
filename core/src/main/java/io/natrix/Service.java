package io.natrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A running instance of a service: its endpoints answer requests in a queue group shared with every other
 * instance of the same name, and its listeners receive events.
 *
 * <p>Start as many instances as you like, in as many processes: NATS spreads requests over them, with no
 * registry and no load balancer. Each instance answers the NATS Services API discovery verbs
 * ({@code $SRV.PING|INFO|STATS}).
 *
 * <p>{@link #close()} stops taking requests, lets the requests in flight finish (bounded by the
 * connection's drain timeout), then returns. Closing the {@link Natrix} connection closes its services.
 */
public interface Service extends AutoCloseable {

    /** The service name, e.g. {@code users}. */
    String name();

    /** This instance's unique id, as discovery shows it. */
    String id();

    /** The service's semantic version. */
    String version();

    /** This instance's description and counters, the same facts {@code $SRV.STATS} publishes. */
    ServiceInstance snapshot();

    /** The counters of this instance's listeners. */
    List<ListenerStats> listeners();

    /** Stops taking requests and events, finishes what is in flight, then returns. Idempotent. */
    @Override
    void close();

    /** Events a listener may have waiting before NATS drops new ones, unless set otherwise. */
    int DEFAULT_LISTENER_BACKLOG = 65_536;

    /** Work a service does between subscribing its listeners and serving its endpoints. */
    @FunctionalInterface
    interface WarmUp {
        void run() throws Exception;
    }

    /** Describes a service; {@link #start()} subscribes it. */
    final class Builder {

        final DefaultNatrix natrix;
        final String name;
        String version = "0.0.0";
        String description = "";
        Map<String, String> metadata = Map.of();
        int listenerBacklog = DEFAULT_LISTENER_BACKLOG;
        WarmUp warmUp = () -> { };
        final Map<String, EndpointSpec<?, ?>> endpoints = new LinkedHashMap<>();
        final List<ListenerSpec<?>> listeners = new ArrayList<>();
        final List<DurableSpec<?>> durables = new ArrayList<>();

        Builder(DefaultNatrix natrix, String name) {
            this.natrix = natrix;
            this.name = Wire.requireName("service name", name);
        }

        /** Semantic version, e.g. {@code 1.2.0}; defaults to {@code 0.0.0}. */
        public Builder version(String version) {
            if (version == null || !Wire.SEMVER.matcher(version).matches()) {
                throw new IllegalArgumentException("version must be semantic (1.2.3), got: " + version);
            }
            this.version = version;
            return this;
        }

        /** What the service does, for discovery. */
        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        /**
         * Free-form facts for discovery. The connection's region ({@link Natrix.Builder#region}) is added as
         * {@value ServiceInstance#REGION} unless these name one.
         */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = Map.copyOf(metadata);
            return this;
        }

        /** What discovery shows: the metadata given, and the connection's region unless they name one. */
        Map<String, String> published() {
            Map<String, String> all = new java.util.HashMap<>(metadata);
            natrix.region().ifPresent(region -> all.putIfAbsent(ServiceInstance.REGION, region));
            return Map.copyOf(all);
        }

        /**
         * Adds an endpoint on {@code ms.<service>.<name>}, balanced over the service's instances.
         *
         * @param name        e.g. {@code GetUser}
         * @param requestType the class requests are read as ({@code byte[]} for raw payloads)
         * @param handler     runs on a virtual thread of its own for each request
         */
        public <Q, R> Builder endpoint(String name, Class<Q> requestType, Handler<Q, R> handler) {
            return endpoint(name, requestType, handler, EndpointOptions.defaults());
        }

        /** Adds an endpoint with its own subject, queue group or in-flight bound. */
        public <Q, R> Builder endpoint(String name, Class<Q> requestType, Handler<Q, R> handler,
                                       EndpointOptions options) {
            Wire.requireName("endpoint name", name);
            if (endpoints.containsKey(name)) {
                throw new IllegalArgumentException("service '" + this.name + "' already has an endpoint " + name);
            }
            endpoints.put(name, new EndpointSpec<>(name, Objects.requireNonNull(requestType, "requestType"),
                    Objects.requireNonNull(handler, "handler"), Objects.requireNonNull(options, "options")));
            return this;
        }

        /**
         * Adds every method of a contract interface as an endpoint, implemented by {@code implementation}.
         * See {@link Contract} for how methods map to endpoints.
         */
        public <T> Builder implement(Class<T> contract, T implementation) {
            return implement(contract, implementation, Map.of());
        }

        /**
         * The same, with how some endpoints are served, by endpoint name: e.g. {@code Map.of("Nearby",
         * EndpointOptions.defaults().nonBlocking())}. How a request is served is the implementation's business,
         * not the contract's, so it is said here; a subject the contract names is kept (options that name
         * another are refused, but for one under it: a shard, {@code ms.geo.Nearby.north}, that its callers
         * name as they call), and a name the contract has no endpoint of is refused.
         */
        public <T> Builder implement(Class<T> contract, T implementation, Map<String, EndpointOptions> serving) {
            ContractMethods.of(contract).bind(this, implementation, Map.copyOf(serving));
            return this;
        }

        /**
         * How many events each listener may have waiting. Past it NATS drops new events for that listener and
         * reports a slow consumer (counted in {@link ListenerStats#dropped()}); the service and its other
         * listeners go on. Defaults to {@value Service#DEFAULT_LISTENER_BACKLOG}. A listener may set its own, or
         * never drop ({@link ListenerOptions}).
         */
        public Builder listenerBacklog(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("listenerBacklog must be at least 1, got " + events);
            }
            this.listenerBacklog = events;
            return this;
        }

        /** Every instance of this service receives every event on the subject (a broadcast, not a queue group). */
        public <E> Builder broadcastListener(String subject, Class<E> eventType, Listener<E> listener) {
            return broadcastListener(subject, eventType, listener, ListenerOptions.defaults());
        }

        /** A broadcast listener with its own backlog or thread ({@link ListenerOptions}). */
        public <E> Builder broadcastListener(String subject, Class<E> eventType, Listener<E> listener, ListenerOptions options) {
            listeners.add(new ListenerSpec<>(subject, eventType, listener, false, options));
            return this;
        }

        /** Exactly one instance of this service receives each event on the subject (a work queue). */
        public <E> Builder balancedListener(String subject, Class<E> eventType, Listener<E> listener) {
            return balancedListener(subject, eventType, listener, ListenerOptions.defaults());
        }

        /** A balanced listener with its own backlog or thread ({@link ListenerOptions}). */
        public <E> Builder balancedListener(String subject, Class<E> eventType, Listener<E> listener, ListenerOptions options) {
            listeners.add(new ListenerSpec<>(subject, eventType, listener, true, options));
            return this;
        }

        /**
         * One instance of this service handles each event stored in a JetStream stream, and acknowledges it only
         * once the listener returned: nothing published with {@link Natrix#publishDurable} is lost when an
         * instance or a server dies. Failures are retried with a backoff, then dead-lettered; see {@link Durable}.
         */
        public <E> Builder durableListener(Durable durable, Class<E> eventType, Listener<E> listener) {
            durables.add(new DurableSpec<>(Objects.requireNonNull(durable, "durable"), Objects.requireNonNull(eventType, "eventType"),
                    Objects.requireNonNull(listener, "listener")));
            return this;
        }

        /**
         * Work to finish before the endpoints take requests: it runs after the listeners have subscribed (so no
         * event is missed) and before any endpoint subscribes (so no caller reaches a cold instance). Replaying
         * state from JetStream goes here. If it throws, nothing is left subscribed and {@link #start()} rethrows.
         */
        public Builder beforeServing(WarmUp warmUp) {
            this.warmUp = Objects.requireNonNull(warmUp, "warmUp");
            return this;
        }

        /**
         * Subscribes everything and returns the running instance.
         *
         * @throws IllegalStateException if the service has neither endpoints nor listeners
         * @throws ConnectionException   if the connection is closed
         */
        public Service start() {
            if (endpoints.isEmpty() && listeners.isEmpty() && durables.isEmpty()) {
                throw new IllegalStateException("service '" + name + "' has no endpoints and no listeners");
            }
            return natrix.start(this);
        }
    }
}
