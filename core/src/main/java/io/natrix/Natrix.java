package io.natrix;

import io.natrix.spi.HopObserver;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.nats.client.Connection;
import io.nats.client.Options;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A connection to a NATS cluster, and everything a microservice does over it: serve endpoints, publish and
 * listen to events, and call other services.
 *
 * <pre>{@code
 * try (Natrix natrix = Natrix.connect("nats://127.0.0.1:4222")) {
 *     natrix.service("users").version("1.0.0")
 *           .endpoint("GetUser", GetUser.class, request -> users.find(request.id()))
 *           .start();
 *     User user = natrix.call("ms.users.GetUser", new GetUser("42"), User.class, Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Every method blocks only the calling thread and is safe to call from many threads at
 * once; call it from virtual threads to have thousands of calls in flight. Handlers run on virtual threads
 * that Natrix creates and owns.
 *
 * <p><b>Lifecycle.</b> {@link #close()} stops every service this connection started (draining their
 * in-flight requests), then drains and closes the connection. A JVM shutdown hook does the same unless
 * turned off with {@link Builder#shutdownHook(boolean)}.
 */
public interface Natrix extends AutoCloseable {

    /** Connects to the given NATS servers (comma-separated URLs) with the default settings. */
    static Natrix connect(String servers) {
        return builder().servers(servers).connect();
    }

    /** Settings for a connection, validated when {@link Builder#connect()} is called. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * A new Jackson mapper set up as natrix's default for payloads: unknown fields ignored, buffers recycled
     * through a shared pool (Jackson's default pool is a thread-local, and every handler runs on a new virtual
     * thread), numbers read with Jackson's fast parser (the same doubles as the JDK's). Start from it to give
     * {@link Builder#objectMapper} your own, or to read payloads outside a handler the way natrix does.
     */
    static ObjectMapper defaultObjectMapper() {
        return JsonCodec.defaultMapper();
    }

    /**
     * A builder of virtual threads whose calls go on, when their reply arrives, on the connection's reader thread
     * that read it, instead of waiting for one of the JDK's carriers to wake: what natrix does for its handlers,
     * for threads of your own that call (a loop, a job, a client). With one caller and natrix's endpoint
     * answering, 1.57x nats.go's round trips a second where the same code with this turned off made 1.14x
     * (medians of seven alternated runs), for 33-45% less CPU a call (BENCHMARKS.md). Needs {@code --add-opens
     * java.base/java.lang=ALL-UNNAMED}; without it, this is {@link Thread#ofVirtual()}. A thread that holds the
     * reader long is moved to the carriers (core/README.md, "The reader as a carrier").
     */
    static Thread.Builder.OfVirtual virtualThreads() {
        return ReaderAsCarrier.builder("the virtual threads of Natrix.virtualThreads()");
    }

    /** Starts describing a service of this name, served over this connection. */
    Service.Builder service(String name);

    /**
     * Sends a request and blocks until its reply arrives.
     *
     * @param subject   e.g. {@code ms.users.GetUser}
     * @param request   the request; written as JSON unless it is a {@code byte[]}
     * @param replyType the class to read the reply as; {@code byte[]} for the raw payload
     * @param timeout   how long to wait for the reply
     * @return the reply
     * @throws NoRespondersException   no instance serves the subject (raised at once)
     * @throws CallTimeoutException    no reply within the timeout
     * @throws ServiceException        the service answered with an error code
     * @throws OverloadedException     the instance refused the request: too many in flight
     * @throws ConnectionException     the connection is closed or draining
     * @throws CallInterruptedException the thread was interrupted while waiting
     */
    <R> R call(String subject, Object request, Class<R> replyType, Duration timeout);

    /** {@link #call(String, Object, Class, Duration)} with the connection's default timeout. */
    <R> R call(String subject, Object request, Class<R> replyType);

    /**
     * {@link #call(String, Object, Class, Duration)} with retries, backoff and hedging as {@code options} say,
     * every attempt within the options' one timeout (the connection's default if they name none).
     *
     * @throws IllegalArgumentException if the options hedge a call not declared idempotent
     */
    <R> R call(String subject, Object request, Class<R> replyType, CallOptions options);

    /**
     * The fastest result: sends the request to every subject at once (name a subject more than once
     * to ask more than one instance of a queue group) and returns the first successful reply.
     *
     * <p>Error answers are skipped while other requests may still succeed. If every request fails, the most
     * telling failure is thrown (an error answer before an overload before no-responders); if the deadline
     * passes first, {@link CallTimeoutException}.
     */
    <R> R fastest(List<String> subjects, Object request, Class<R> replyType, Duration deadline);

    /**
     * Sends one request that every subscriber of the subject receives (an endpoint declared with
     * {@link EndpointOptions#everyInstance()}, or a discovery subject) and collects every successful reply
     * that arrives within the window. Error answers are left out. An empty list means nobody answered.
     */
    <R> List<R> gather(String subject, Object request, Class<R> replyType, Duration window);

    /** Publishes an event: written as JSON unless it is a {@code byte[]}. Every listener of the subject gets it. */
    void publish(String subject, Object event);

    /**
     * Publishes an event that must not be lost and returns once a JetStream stream has stored it (on every
     * replica): the event a {@link Service.Builder#durableListener durable listener} reads. Publishing again
     * with the same {@code id} within the stream's de-duplication window (2 minutes for streams Natrix
     * creates) stores nothing, so a publisher may retry freely after a failure.
     *
     * @param id what makes this event unique, e.g. {@code "ride-42-completed"}
     * @return true if stored, false if an event with this id was already stored
     * @throws NoRespondersException if no stream stores the subject
     * @throws CallTimeoutException  if the stream did not confirm within the default timeout
     */
    boolean publishDurable(String subject, Object event, String id);

    /**
     * Asks every running service instance for its description and counters through the NATS Services API,
     * waiting the given window for answers. Services written with other NATS clients are listed too.
     */
    List<ServiceInstance> discover(Duration window);

    /**
     * A typed client for a service contract: an interface whose methods each take one request and return a
     * reply. See {@link Contract}. The methods block and throw the {@link NatrixException} subtypes.
     */
    <T> T proxy(Class<T> contract);

    /**
     * Lets {@code observer} see every hop from now on: requests served, events handled, calls made, events
     * published, on every service of this connection. {@code natrix-metrics} and {@code natrix-tracing}
     * register theirs here.
     */
    void observe(HopObserver observer);

    /**
     * Every observer registered, as one: for code that makes hops of its own Natrix cannot see, as the
     * gateway does for each HTTP request. With none registered its scopes do nothing.
     */
    HopObserver observer();

    /**
     * Where the circuit breaker of this connection's calls on {@code subject} stands: {@link CircuitState#CLOSED}
     * for a subject not called yet, {@link CircuitState#OFF} on a connection built with
     * {@link Builder#noCircuitBreaker()}.
     */
    CircuitState circuitState(String subject);

    /** The service instances started on this connection and not closed yet, in the order they started. */
    List<Service> services();

    /**
     * How many times the NATS server refused this connection a publish or a subscription it has no permission
     * for ("Permissions Violation"). On a secured server a correct program keeps this at 0: anything else is a
     * missing permission or a program doing what it should not.
     */
    long permissionViolations();

    /**
     * Returns once the NATS server has everything published on this connection before the call (it answered a
     * ping sent after it): what a program that publishes and then exits or measures waits for.
     *
     * @throws ConnectionException when the server did not answer within {@code timeout}, or there is none now
     */
    void flush(Duration timeout);

    /** Whether the connections have a server now, and what they have sent and received. */
    ConnectionStats connectionStats();

    /**
     * The jnats connection, for what Natrix does not cover (JetStream, KV, the object store are on it; calls,
     * events, endpoints and listeners run on natrix's own core connection beside it). Natrix still owns it: do
     * not close it.
     */
    Connection nats();

    /** Stops this connection's services (draining them), then drains and closes the connection. */
    @Override
    void close();

    /** Connection settings. Every default is finite and documented. */
    final class Builder {

        /** Used when no servers are given. */
        public static final String DEFAULT_SERVERS = "nats://127.0.0.1:4222";
        /** Used by calls that name no timeout. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
        /** How long {@link Natrix#close()} waits for in-flight work before it gives up. */
        public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

        String servers = DEFAULT_SERVERS;
        String connectionName = "natrix";
        ObjectMapper objectMapper;
        Duration defaultTimeout = DEFAULT_TIMEOUT;
        Optional<CircuitBreakerConfig> circuitBreaker = Optional.of(CircuitBreakers.defaultConfig());
        Duration firstAnswerGrace = CircuitBreakers.FIRST_ANSWER_GRACE;
        Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        boolean shutdownHook = true;
        Consumer<Options.Builder> natsOptions = options -> { };
        Path credentials;
        Path trust;
        String inboxPrefix;
        Optional<String> region = Optional.empty();

        private Builder() {
        }

        /** NATS server URLs, comma-separated; defaults to {@value #DEFAULT_SERVERS}. */
        public Builder servers(String servers) {
            this.servers = Objects.requireNonNull(servers, "servers");
            return this;
        }

        /**
         * The region this process runs in (a NATS cluster of a supercluster, say {@code eu-west}): every service
         * started on this connection carries it in its discovery metadata as {@value ServiceInstance#REGION}
         * (unless its own metadata names one), so {@code natrix ls} shows where each instance runs. Routing
         * needs none of it: NATS serves a request in the caller's cluster while a member of the queue group is
         * there, and in another cluster when none is. Unset by default.
         */
        public Builder region(String region) {
            this.region = Optional.of(Wire.requireName("region", region));
            return this;
        }

        /** The connection's name as the NATS server shows it; defaults to {@code natrix}. */
        public Builder connectionName(String connectionName) {
            this.connectionName = Objects.requireNonNull(connectionName, "connectionName");
            return this;
        }

        /**
         * The Jackson mapper for every payload; by default {@link Natrix#defaultObjectMapper()}, which ignores
         * unknown fields and recycles its buffers through a shared pool. Start yours from it: Jackson's default
         * pool is a thread-local, and every handler runs on a new virtual thread.
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /** The timeout of calls that name none; defaults to 5 seconds. */
        public Builder defaultTimeout(Duration defaultTimeout) {
            this.defaultTimeout = positive("defaultTimeout", defaultTimeout);
            return this;
        }

        /** How long closing waits for in-flight requests; defaults to 10 seconds. */
        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = positive("drainTimeout", drainTimeout);
            return this;
        }

        /** Whether a JVM shutdown hook closes this connection; defaults to true. */
        public Builder shutdownHook(boolean shutdownHook) {
            this.shutdownHook = shutdownHook;
            return this;
        }

        /**
         * Authenticates as the NATS user whose nkey seed is in {@code seedFile} (the server's config names the
         * user's public key; the seed never leaves this process: it signs the server's challenge). Give a path,
         * never the seed itself, on a command line.
         */
        public Builder credentials(Path seedFile) {
            this.credentials = Objects.requireNonNull(seedFile, "seedFile");
            return this;
        }

        /**
         * Trusts only the certificate authority in {@code caPem} for TLS ({@code tls://} servers): the server's
         * certificate must be signed by it and name the host connected to.
         */
        public Builder trust(Path caPem) {
            this.trust = Objects.requireNonNull(caPem, "caPem");
            return this;
        }

        /**
         * The prefix of this connection's reply subjects (default {@code _INBOX}): a user allowed to subscribe only
         * to its own prefix cannot read anyone else's replies.
         */
        public Builder inboxPrefix(String inboxPrefix) {
            this.inboxPrefix = Wire.requireName("inbox prefix", inboxPrefix);
            return this;
        }

        /**
         * Adjusts the jnats options before connecting (TLS, credentials, reconnect policy...). Natrix sets the
         * servers, name, error listener and no-responders reporting itself.
         */
        public Builder natsOptions(Consumer<Options.Builder> natsOptions) {
            this.natsOptions = Objects.requireNonNull(natsOptions, "natsOptions");
            return this;
        }

        /**
         * The circuit breaker every subject called through this connection gets (Resilience4j); by default 50%
         * of the last 50 calls (at least 20) that found nobody answering open it for 2 s. Nobody answering is no
         * responders, or timeouts from a subject that answered nothing for 2 s, counted from 10 s after its
         * first call (a system that has just started answers its first calls late).
         */
        public Builder circuitBreaker(CircuitBreakerConfig circuitBreaker) {
            this.circuitBreaker = Optional.of(Objects.requireNonNull(circuitBreaker, "circuitBreaker: noCircuitBreaker() turns breaking off"));
            return this;
        }

        /** How long after its first call a subject's timeouts cannot open its circuit; shorter in tests. */
        Builder firstAnswerGrace(Duration grace) {
            this.firstAnswerGrace = Objects.requireNonNull(grace, "grace");
            return this;
        }

        /** No circuit breaking on this connection: every call is made, however its subject has been failing. */
        public Builder noCircuitBreaker() {
            this.circuitBreaker = Optional.empty();
            return this;
        }

        /**
         * Connects.
         *
         * @throws ConnectionException if no server could be reached
         */
        public Natrix connect() {
            return DefaultNatrix.connect(this);
        }

        private static Duration positive(String what, Duration duration) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + duration);
            }
            return duration;
        }
    }
}
