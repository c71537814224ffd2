package io.natrix;

import io.natrix.spi.HopObserver;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The connection: owns natrix's own core connection (calls, events, endpoints and listeners run on it), the jnats
 * connection (JetStream, KV, the object store, and {@link #nats()}), the codec, the executor jnats runs on and
 * the services.
 */
final class DefaultNatrix implements Natrix {

    private static final System.Logger LOG = System.getLogger(Natrix.class.getName());

    private final Connection connection;
    private final CoreConnection core;
    private final CallTimeouts timeouts;
    private final ExecutorService natsExecutor;
    private final JsonCodec codec;
    private final Observers observers = new Observers();
    private final Caller caller;
    private final Publisher publisher;
    private final Duration defaultTimeout;
    private final Duration drainTimeout;
    private final List<DefaultService> services = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private final Optional<String> region;

    private final LoggingErrorListener errors;

    private DefaultNatrix(Connection connection, CoreConnection core, ExecutorService natsExecutor,
                          LoggingErrorListener errors, Builder builder) {
        this.errors = errors;
        this.connection = connection;
        this.core = core;
        this.natsExecutor = natsExecutor;
        this.codec = new JsonCodec(builder.objectMapper != null ? builder.objectMapper : JsonCodec.defaultMapper());
        this.timeouts = new CallTimeouts(String.valueOf(builder.connectionName));
        Exchange exchange = new Exchange(core, new ReplyRouter(core, timeouts), codec);
        this.caller = new Caller(core, exchange, codec, CircuitBreakers.of(builder.circuitBreaker, builder.firstAnswerGrace), observers);
        this.publisher = new Publisher(connection, core, exchange, codec, observers);
        this.defaultTimeout = builder.defaultTimeout;
        this.drainTimeout = builder.drainTimeout;
        this.region = builder.region;
        this.shutdownHook = builder.shutdownHook ? Thread.ofPlatform().name("natrix-shutdown").unstarted(this::close) : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** How often the connection pings its server, and how many unanswered pings mean the server is gone. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(2);
    static final int MAX_PINGS_OUT = 3;
    static final Duration TLS_CONNECTION_TIMEOUT = Duration.ofSeconds(25);

    static Natrix connect(Builder builder) {
        // jnats runs its dispatchers (message delivery loops) on this executor: virtual threads, so that a
        // listener's blocking code runs on a virtual thread too. Its socket reader and writer stay on platform
        // threads. Measured side by side (BENCHMARKS.md), virtual dispatchers beat jnats's platform ones for
        // request/reply at 16 and 256 callers. jnats does not shut down an executor it was given; close() does.
        ExecutorService natsExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("natrix-nats-", 0).factory());
        LoggingErrorListener errors = new LoggingErrorListener();
        Options.Builder options = new Options.Builder()
                .servers(builder.servers.split(","))
                .connectionName(builder.connectionName)
                .maxReconnects(-1)
                // a server that stops answering without closing the connection (a frozen process, a host gone
                // without a reset) is given up after three unanswered pings 2 s apart, and the connection
                // moves to another server of the cluster; jnats's default is 2 minutes apart (ClusterFailoverTest)
                .pingInterval(PING_INTERVAL)
                .maxPingsOut(MAX_PINGS_OUT)
                .reportNoResponders()
                // jnats writes and flushes every request on its own by default; letting its writer batch what is
                // queued instead took natrix call from 23k to 79k req/s at 256 callers (BENCHMARKS.md, peers)
                .dontForceFlushOnRequest()
                // jnats's own socket waits 1 s for its reader at every close and reconnect over TLS; this one not
                .dataPortType(io.natrix.jnats.PromptCloseDataPort.class.getName())
                .errorListener(errors)
                .executor(natsExecutor)
                .readerThreadFactory(Thread.ofPlatform().name("natrix-nats-reader-", 0).daemon().factory())
                .writerThreadFactory(Thread.ofPlatform().name("natrix-nats-writer-", 0).daemon().factory());
        try {
            secure(options, builder);
        } catch (IOException | GeneralSecurityException e) {
            natsExecutor.close();
            throw new ConnectionException(null, "could not read the NATS credentials or the CA (" + e.getMessage() + ")", e);
        }
        builder.natsOptions.accept(options);
        Options built = options.build();
        CoreConnection core = null;
        Connection connection = null;
        try {
            // natrix's own connection first: a server that refuses the client (credentials it does not know, or
            // none) fails it at once, where jnats waits out its whole connection timeout (25 s with TLS)
            core = CoreConnection.connect(CoreConnection.Settings.of(built, errors::serverError));
            connection = Nats.connect(built);
            return new DefaultNatrix(connection, core, natsExecutor, errors, builder);
        } catch (IOException e) {
            closeQuietly(connection, core);
            natsExecutor.close();
            throw new ConnectionException(null, "could not connect to " + builder.servers + " (" + e.getMessage()
                    + "): " + hint(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(connection, core);
            natsExecutor.close();
            throw new ConnectionException(null, "interrupted while connecting to " + builder.servers, e);
        }
    }

    /** What to look at when a connection failed: the credentials when the server refused them, else the server. */
    private static String hint(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Authorization Violation")) {
            return "the server does not accept these credentials: check the seed (credentials) against its users";
        }
        return "is nats-server running there?";
    }

    private static void closeQuietly(Connection connection, CoreConnection core) {
        if (core != null) {
            core.close();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The builder's credentials (an nkey seed), trusted authority and inbox prefix, when it names them. */
    private static void secure(Options.Builder options, Builder builder) throws IOException, GeneralSecurityException {
        if (builder.credentials != null) {
            options.authHandler(NkeySigner.ofSeed(Files.readString(builder.credentials, StandardCharsets.US_ASCII)));
        }
        if (builder.trust != null) {
            // a JVM's first TLS handshake and nkey signature cost about 2 s of CPU (jnats signs with BouncyCastle:
            // 0.6-0.8 s cold); 14 service JVMs starting at once on 2 cores took 13 s, far over jnats's 2 s
            options.sslContext(TrustedAuthority.sslContext(builder.trust)).connectionTimeout(TLS_CONNECTION_TIMEOUT);
        }
        if (builder.inboxPrefix != null) {
            options.inboxPrefix(builder.inboxPrefix);
        }
    }

    @Override
    public long permissionViolations() {
        return errors.permissionViolations();
    }

    @Override
    public Service.Builder service(String name) {
        return new Service.Builder(this, name);
    }

    /** The region this connection's services say they run in ({@link Natrix.Builder#region}). */
    Optional<String> region() {
        return region;
    }

    Service start(Service.Builder builder) {
        if (closed.get()) {
            throw new ConnectionException(null, "cannot start service '" + builder.name + "': Natrix is closed", null);
        }
        DefaultService service = DefaultService.start(connection, core, codec, observers, drainTimeout, builder, services::remove);
        services.add(service);
        return service;
    }

    @Override
    public void observe(HopObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    @Override
    public HopObserver observer() {
        return observers;
    }

    @Override
    public <R> R call(String subject, Object request, Class<R> replyType, Duration timeout) {
        return caller.call(subject, request, replyType, CallOptions.defaults(), timeout);
    }

    @Override
    public <R> R call(String subject, Object request, Class<R> replyType) {
        return caller.call(subject, request, replyType, CallOptions.defaults(), defaultTimeout);
    }

    @Override
    public CircuitState circuitState(String subject) {
        return caller.circuitState(subject);
    }

    @Override
    public <R> R call(String subject, Object request, Class<R> replyType, CallOptions options) {
        return caller.call(subject, request, replyType, options, defaultTimeout);
    }

    @Override
    public <R> R fastest(List<String> subjects, Object request, Class<R> replyType, Duration deadline) {
        return caller.fastest(subjects, request, replyType, deadline);
    }

    @Override
    public <R> List<R> gather(String subject, Object request, Class<R> replyType, Duration window) {
        return caller.gather(subject, request, replyType, window);
    }

    @Override
    public boolean publishDurable(String subject, Object event, String id) {
        return publisher.publishDurable(subject, event, id, defaultTimeout);
    }

    @Override
    public void publish(String subject, Object event) {
        publisher.publish(subject, event);
    }

    @Override
    public List<ServiceInstance> discover(Duration window) {
        return new DiscoveryClient(caller, codec).discover(window);
    }

    @Override
    public <T> T proxy(Class<T> contract) {
        return ContractMethods.of(contract).proxy(this, defaultTimeout);
    }

    @Override
    public List<Service> services() {
        return List.copyOf(services);
    }

    @Override
    public void flush(Duration timeout) {
        try {
            if (!core.flush(timeout)) {
                throw new ConnectionException(null, "the NATS server did not confirm what was published within "
                        + timeout.toMillis() + " ms: the connection is " + core.status(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException(null, "interrupted while waiting for the NATS server to confirm what was published", e);
        }
    }

    @Override
    public ConnectionStats connectionStats() {
        io.nats.client.Statistics jnats = connection.getStatistics();
        return new ConnectionStats(core.status() == CoreConnection.Status.CONNECTED
                && connection.getStatus() == Connection.Status.CONNECTED,
                core.reconnects() + jnats.getReconnects(), core.messagesIn() + jnats.getInMsgs(),
                core.messagesOut() + jnats.getOutMsgs());
    }

    /** The core connection: calls, events, endpoints and listeners. */
    CoreConnection core() {
        return core;
    }

    @Override
    public Connection nats() {
        return connection;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or about to: nothing to remove
            }
        }
        if (core.status() != CoreConnection.Status.CONNECTED) {
            // nothing can be drained without a server: stop at once instead of waiting out every timeout
            LOG.log(Level.WARNING, "closing without a drain: the NATS connection is {0}", core.status());
            services.forEach(DefaultService::abandon);
        } else {
            try (var closing = Executors.newVirtualThreadPerTaskExecutor()) {
                services.forEach(service -> closing.submit(service::close));
            }
        }
        core.close(); // what was published reaches the server first
        timeouts.close();
        if (connection.getStatus() == Connection.Status.CONNECTED) {
            try {
                connection.drain(drainTimeout).get(drainTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "NATS connection did not drain cleanly: {0}", e.toString());
            }
        }
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            natsExecutor.shutdownNow();
        }
    }
}
