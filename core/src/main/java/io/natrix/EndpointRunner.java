package io.natrix;

import io.natrix.spi.Hop;
import io.natrix.spi.HopObserver;
import io.nats.client.Message;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Serves one endpoint: each request runs on a new virtual thread, at most {@code maxInFlight} at once; past
 * that the request is refused at once with code 429 rather than queued. Keeps the endpoint's counters.
 */
final class EndpointRunner<Q, R> {

    private static final System.Logger LOG = System.getLogger(Service.class.getName());
    /** In-flight requests from which the reader thread hands requests over instead of admitting them. */
    private static final int ADMIT_ON_READER_BELOW = 64;

    private final CoreConnection connection;
    private final JsonCodec codec;
    private final String service;
    private final String instance;
    private final Observers observers;
    private final EndpointSpec<Q, R> spec;
    private final String subject;
    private final Optional<String> queueGroup; // empty: every instance answers
    private final int maxInFlight;
    private final Semaphore permits;
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder overloaded = new LongAdder();
    private final LongAdder processingNanos = new LongAdder();
    private final LatencyWindow latencies = new LatencyWindow();
    private volatile String lastError;
    private final boolean nonBlocking;
    private final ReaderThreadWord word = new ReaderThreadWord();
    private final Mailbox<Message> admission;
    private final ThreadFactory handlers;

    EndpointRunner(CoreConnection connection, JsonCodec codec, String service, String instance, Observers observers,
                   EndpointSpec<Q, R> spec) {
        this.connection = connection;
        this.codec = codec;
        this.service = service;
        this.instance = instance;
        this.observers = observers;
        this.spec = spec;
        EndpointOptions options = spec.options();
        this.subject = options.subject().orElse(Wire.endpointSubject(service, spec.name()));
        this.queueGroup = options.queueGroupFor(service);
        this.maxInFlight = options.maxInFlight();
        this.permits = new Semaphore(maxInFlight);
        this.nonBlocking = options.nonBlockingHandler();
        this.admission = new Mailbox<>("natrix-admission " + subject, this::onMessage);
        this.handlers = ReaderAsCarrier.threads("endpoint " + subject);
    }

    /**
     * Subscribes: while few requests are in flight, each is admitted on the connection's reader thread as it is
     * read (counted, a permit taken or a 429 sent) and served on a virtual thread of its own; a non-blocking
     * handler is served right there while it keeps to its word. From {@value #ADMIT_ON_READER_BELOW} in flight
     * (or while requests wait for it) the reader only hands requests to the endpoint's admission mailbox, whose
     * one thread admits them in order at the pace the carriers take it: the reader cannot flood the scheduler
     * with new threads faster than they run (measured: with every request started from the reader, geo's
     * scheduler had hundreds of threads waiting at 14,000 drivers and the fleet spiralled into timeouts).
     */
    CoreConnection.Subscription subscribe() {
        try {
            return connection.subscribe(subject, queueGroup.orElse(null), this::onReaderThread);
        } catch (RuntimeException closed) {
            admission.close();
            throw closed;
        }
    }

    private void onReaderThread(Message request) {
        if (admission.waiting() > 0 || maxInFlight - permits.availablePermits() >= ADMIT_ON_READER_BELOW) {
            admission.put(request);
        } else if (nonBlocking && word.onReader()) {
            serveOnReader(request);
        } else {
            onMessage(request);
        }
    }

    /** Admission only, on the thread that delivers the request: the work goes to a virtual thread of its own. */
    private void onMessage(Message request) {
        if (admitted(request)) {
            handlers.newThread(() -> serve(request)).start();
        }
    }

    /**
     * A non-blocking endpoint's request, served where it was read, while the handler keeps to its word; only the
     * reader decides, so the strikes need no lock.
     */
    private void serveOnReader(Message request) {
        if (!admitted(request)) {
            return;
        }
        long started = System.nanoTime();
        serve(request);
        long took = System.nanoTime() - started;
        if (word.broken(started, took)) {
            LOG.log(Level.WARNING, word.broke("endpoint " + subject, "requests", took, "on virtual threads"));
        }
    }

    /** Counts the request and takes a permit for it, or answers 429 when the endpoint is full. */
    private boolean admitted(Message request) {
        requests.increment();
        if (!permits.tryAcquire()) {
            overloaded.increment();
            String message = service + "." + spec.name() + " is overloaded: " + maxInFlight
                    + " requests in flight; back off and retry";
            HopObserver.Scope scope = observers.watching()
                    ? begin(Wire.propagatedContext(request.getHeaders())) : HopObserver.Scope.NONE;
            fail(request, Wire.OVERLOADED, message);
            scope.end(Wire.OVERLOADED, message);
            return false;
        }
        return true;
    }

    private HopObserver.Scope begin(RequestContext received) {
        return observers.begin(Hop.Kind.SERVE, subject, service, instance, spec.name(), received);
    }

    private void serve(Message request) {
        long started = System.nanoTime();
        RequestContext received = Wire.propagatedContext(request.getHeaders());
        HopObserver.Scope scope = begin(received);
        RequestContext context = Observers.serving(service, received, scope);
        Answer answer = Answer.FAILED_UNEXPECTEDLY;
        try {
            answer = context.within(() -> serve(request, context));
        } finally {
            long took = System.nanoTime() - started;
            processingNanos.add(took);
            latencies.record(took);
            permits.release();
            scope.end(answer.code, answer.message);
        }
    }

    /** How a request was answered: {@link HopObserver#OK} or the error code sent. */
    private record Answer(int code, String message) {
        static final Answer OK = new Answer(HopObserver.OK, null);
        static final Answer FAILED_UNEXPECTEDLY = new Answer(Wire.INTERNAL, "the request's thread ended unexpectedly");
    }

    private Answer serve(Message request, RequestContext context) {
        try {
            if (context.remaining().filter(left -> left.isNegative() || left.isZero()).isPresent()) {
                // the caller has given up already: doing the work would only take time from requests still wanted
                return fail(request, Wire.TIMEOUT, "the caller's deadline passed before " + service + "." + spec.name()
                        + " began the work; nothing was done");
            }
            Q decoded = codec.decode(request.getData(), spec.requestType());
            byte[] reply = codec.encode(spec.handler().handle(decoded));
            long max = connection.maxPayload();
            if (max > 0 && reply.length > max) {
                return fail(request, Wire.INTERNAL, Wire.tooLarge("the reply of " + service + "." + spec.name(), reply.length, max));
            }
            reply(request, null, reply);
            return Answer.OK;
        } catch (JsonCodec.MalformedJsonException e) {
            return fail(request, Wire.BAD_REQUEST, e.getMessage());
        } catch (ServiceException e) {
            return fail(request, e.code(), e.getMessage());
        } catch (NatrixException e) {
            return fail(request, codeForDependencyFailure(e), e.getMessage());
        } catch (Throwable e) {
            if (e instanceof InterruptedException && Thread.currentThread().isVirtual()) {
                Thread.currentThread().interrupt(); // never on the connection's reader thread
            }
            String errorId = Long.toHexString(System.nanoTime());
            LOG.log(Level.ERROR, "handler of " + subject + " failed (error id " + errorId + ")", e);
            return fail(request, Wire.INTERNAL, "internal error in " + service + "." + spec.name() + " (error id "
                    + errorId + "); the service log has the details");
        }
    }

    /**
     * A handler's own call failed: pass on what the caller of this endpoint can act on. A dependency that is
     * overloaded leaves this endpoint unavailable (503), not overloaded itself.
     */
    private static int codeForDependencyFailure(NatrixException e) {
        return e instanceof OverloadedException ? Wire.UNAVAILABLE : Wire.codeOf(e);
    }

    private Answer fail(Message request, int code, String message) {
        errors.increment();
        lastError = code + ":" + message;
        byte[] headers = new HeaderLines()
                .add(Wire.ERROR_HEADER, oneLine(message))
                .add(Wire.ERROR_CODE_HEADER, Integer.toString(code)).bytes();
        reply(request, headers, null);
        return new Answer(code, message);
    }

    /**
     * An error's words as a header can carry them: one line of printable ASCII (a handler's message may hold line
     * breaks or other letters; those become '?', which jnats would have refused to send at all).
     */
    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        StringBuilder line = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            line.append(c == '\r' || c == '\n' ? ' ' : c < ' ' && c != '\t' || c >= 127 ? '?' : c);
        }
        return line.toString();
    }

    private void reply(Message request, byte[] headers, byte[] body) {
        String replyTo = request.getReplyTo();
        if (replyTo == null) {
            return;
        }
        try {
            connection.publish(replyTo, null, headers, body);
        } catch (IllegalStateException e) {
            LOG.log(Level.WARNING, "could not answer a request on {0}: {1}", subject, e.getMessage());
        }
    }

    /** Waits until every request handed over is admitted and none is in flight, or the timeout passes. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (admission.awaitEmpty(deadline)
                && permits.tryAcquire(maxInFlight, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            permits.release(maxInFlight);
            return true;
        }
        return false;
    }

    /** Ends the admission mailbox's thread: the endpoint's subscription has ended. */
    void stop() {
        admission.close();
    }

    String name() {
        return spec.name();
    }

    String subject() {
        return subject;
    }

    Optional<String> queueGroup() {
        return queueGroup;
    }

    EndpointOptions options() {
        return spec.options();
    }

    EndpointStats stats() {
        LatencyWindow.Percentiles recent = latencies.percentiles();
        return new EndpointStats(spec.name(), subject, queueGroup(), requests.sum(), errors.sum(),
                Duration.ofNanos(processingNanos.sum()), Optional.ofNullable(lastError),
                maxInFlight - permits.availablePermits(), overloaded.sum(), recent.p50(), recent.p99());
    }
}
