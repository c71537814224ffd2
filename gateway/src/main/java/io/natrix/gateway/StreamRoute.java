package io.natrix.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A long-lived stream between an HTTP client and NATS: a client that sends or receives for minutes or
 * hours over one HTTP request.
 *
 * <ul>
 *   <li>{@link #publish}: the client POSTs an endless {@code application/x-ndjson} body; each line is checked and
 *       published to the subject as it arrives (a driver's location every second).</li>
 *   <li>{@link #subscribe}: the client GETs every message on a subject, as NDJSON or Server-Sent Events by its
 *       {@code Accept} header (a driver's ride offers).</li>
 *   <li>{@link #poll}: the client GETs the answer to a request repeated every interval (a rider's nearby drivers
 *       every second). Only the latest answer is kept for a slow client. It may also deliver the messages of a
 *       subject ({@link #alsoDelivers}: a rider's rides).</li>
 * </ul>
 *
 * <p>Path parameters go into each published event and into the request of a poll, and into the subject
 * wherever it names them: {@code ms.geo.UpdatePoint.{driverId}}, {@code ms.drivers.{driverId}.offers}. A
 * parameter that fills a subject must be letters, digits, '-' or '_' (400 otherwise).
 *
 * @param kind     which of the three
 * @param path     the path template, e.g. {@code /v1/drivers/{driverId}/locations}
 * @param subject  the subject to publish to, subscribe to or call
 * @param interval for {@link Kind#POLL}, how often to ask; zero otherwise
 * @param conflate whether a slow client gets only the latest message instead of a queue: true for polls, and
 *                 for subscription streams of state (a position) made with {@link #latestOnly()}
 * @param accepts  for {@link Kind#PUBLISH}, the type every event must decode to; for {@link Kind#POLL}, the type
 *                 the request must decode to before the stream opens ({@link #accepts(Class)}); empty means any
 *                 JSON object
 * @param access   who may open it once the gateway verifies tokens ({@link #access(Access)}); any valid token
 *                 unless declared otherwise. A WebSocket upgrade is checked the same way, before it is accepted.
 * @param stamps   for {@link Kind#PUBLISH}, the field of every event the gateway sets to its own clock
 *                 ({@link #stamps(String)}); empty means the client's events go as they are
 * @param sharing  for {@link Kind#POLL}, how streams share pollers ({@link #sharedAs}); empty means one poller
 *                 per stream
 * @param batching for {@link Kind#PUBLISH}, where and how often the events of all its streams go together
 *                 ({@link #batched}); empty means each event is published alone, on {@code subject}, as it comes
 * @param delivers the subject (it may name path parameters) whose every message the stream also sends its
 *                 client: for {@link Kind#PUBLISH}, on its WebSocket form ({@link #deliversOnWebSocket}); for
 *                 {@link Kind#POLL}, between its answers ({@link #alsoDelivers}); empty means nothing more
 */
public record StreamRoute(Kind kind, String path, String subject, Duration interval, boolean conflate,
                          Optional<Class<?>> accepts, Access access, Optional<String> stamps,
                          Optional<PollSharing<?>> sharing, Optional<Batching> batching, Optional<String> delivers) {

    /**
     * Events gathered for {@code every} and published together on {@code subject}, one JSON object per line
     * (NDJSON), each with the stream's path parameters in it; or, with {@code by}, on the subjects it names for
     * each event (a batch per subject), every one under {@code subject}.
     *
     * @param subject the one subject of the batches; it cannot name path parameters, so a listener reads whose
     *                event it is from the event (the gateway writes the verified path parameters over the
     *                client's fields). With {@code by}, the prefix every subject it names must have.
     * @param every   how long an event may wait for its batch: 1 ms to 1 s
     * @param by      which batches each event joins ({@link #batchedBy}); empty: the one on {@code subject}
     */
    public record Batching(String subject, Duration every, Optional<BatchSubjects> by) {
        public Batching {
            SubjectTemplate.checkFixed(subject, "a batch subject");
            if (every == null || every.toMillis() < 1 || every.toMillis() > 1_000) {
                throw new IllegalArgumentException("a batch interval is from 1 ms to 1 s, got " + every);
            }
            Objects.requireNonNull(by, "by");
        }

        public Batching(String subject, Duration every) {
            this(subject, every, Optional.empty());
        }
    }

    /**
     * Which batches one event joins, read from the event as it will be published (the path parameters and the
     * stamp in it): a position to its region's batch, and to a neighbour's when it is near the border. A
     * {@link RuntimeException} it throws refuses the event with its message, as a bad field would be.
     */
    @FunctionalInterface
    public interface BatchSubjects {
        List<String> of(byte[] event);
    }

    /** The direction and source of a stream. */
    public enum Kind {
        /** Client to NATS: NDJSON lines published as they arrive. */
        PUBLISH,
        /** NATS to client: every message on a subject. */
        SUBSCRIBE,
        /** NATS to client: a request repeated every interval, latest answer wins. */
        POLL
    }

    public StreamRoute {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(accepts, "accepts");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(stamps, "stamps");
        Objects.requireNonNull(sharing, "sharing");
        if (kind != Kind.PUBLISH && stamps.isPresent()) {
            throw new IllegalArgumentException("only a publish stream's events are stamped");
        }
        Objects.requireNonNull(batching, "batching");
        if (kind != Kind.PUBLISH && batching.isPresent()) {
            throw new IllegalArgumentException("only a publish stream's events are batched");
        }
        Objects.requireNonNull(delivers, "delivers");
        if (kind == Kind.SUBSCRIBE && delivers.isPresent()) {
            throw new IllegalArgumentException("a subscription stream delivers its own subject; a publish stream's socket"
                    + " and a poll stream deliver another");
        }
        delivers.ifPresent(SubjectTemplate::check);
        if (kind != Kind.POLL && sharing.isPresent()) {
            throw new IllegalArgumentException("only a poll stream's pollers are shared");
        }
        if (kind == Kind.SUBSCRIBE && accepts.isPresent()) {
            throw new IllegalArgumentException("a subscription stream sends no request to check; accepts() is for publish and poll streams");
        }
        PathTemplate.compile(path);
        SubjectTemplate.check(subject);
        if (kind == Kind.POLL && (interval == null || interval.toMillis() < 10)) {
            throw new IllegalArgumentException("a poll interval is at least 10 ms, got " + interval);
        }
    }

    /** POST {@code path} with NDJSON; each line is published to {@code subject}. */
    public static StreamRoute publish(String path, String subject) {
        return new StreamRoute(Kind.PUBLISH, path, subject, Duration.ZERO, false, Optional.empty(), Access.authenticated(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** GET {@code path} streams every message on {@code subject}. */
    public static StreamRoute subscribe(String path, String subject) {
        return new StreamRoute(Kind.SUBSCRIBE, path, subject, Duration.ZERO, false, Optional.empty(), Access.authenticated(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** GET {@code path} streams the reply of {@code subject} every {@code interval}. */
    public static StreamRoute poll(String path, String subject, Duration interval) {
        return new StreamRoute(Kind.POLL, path, subject, interval, true, Optional.empty(), Access.authenticated(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The same subscription stream for state: a client that falls behind skips to the latest message and is
     * never disconnected for it. Without this, up to 256 messages wait, then the client is told and disconnected.
     */
    public StreamRoute latestOnly() {
        if (kind != Kind.SUBSCRIBE) {
            throw new IllegalStateException("latestOnly() is for subscription streams; polls are latest-only already");
        }
        return new StreamRoute(kind, path, subject, interval, true, accepts, access, stamps, sharing, batching, delivers);
    }

    /**
     * The same stream, checked at the edge: a poll's request (query and path parameters) must decode to
     * {@code type} or the client gets a 400 naming the field and the rule before any stream opens; a publish
     * stream's every event (with the path parameters) must, or it is rejected (the client is told why) and never
     * published. A record that checks its fields in its constructor is the one statement of its rules, for the
     * gateway and the service alike. Unknown fields are allowed.
     */
    public StreamRoute accepts(Class<?> type) {
        return new StreamRoute(kind, path, subject, interval, conflate, Optional.of(type), access, stamps, sharing, batching, delivers);
    }

    /** The same stream for whom {@code access} allows ({@link Access}; the default is any valid token). */
    public StreamRoute access(Access access) {
        return new StreamRoute(kind, path, subject, interval, conflate, accepts, access, stamps, sharing, batching, delivers);
    }

    /**
     * The same publish stream, with {@code field} of every event set to the gateway's clock (milliseconds since
     * the epoch) over whatever the client sent: a client cannot date its own events, so a forged time cannot
     * keep a driver fresh or make its position unbeatable.
     */
    public StreamRoute stamps(String field) {
        return new StreamRoute(kind, path, subject, interval, conflate, accepts, access, Optional.of(field), sharing, batching, delivers);
    }

    /**
     * The same poll, its pollers shared by streams whose requests are equal once made {@code canonical} (see
     * {@link PollSharing}): the service is asked once per interval per distinct request, not once per stream.
     */
    public <T> StreamRoute sharedAs(Class<T> type, java.util.function.UnaryOperator<T> canonical) {
        return new StreamRoute(kind, path, subject, interval, conflate, accepts, access, stamps,
                Optional.of(new PollSharing<>(type, canonical)), batching, delivers);
    }

    /**
     * The same shared poll ({@link #sharedAs}), shared between gateways as well: every gateway's poller for a
     * request listens on {@code prefix.<the request's hash>}, asks the service only when no gateway's answer came
     * within the interval (and a quarter), and publishes what it got there for the others. With N gateways
     * the service is asked once per interval per request, not N times; a gateway that stops leaves its
     * requests to the others' pollers within about an interval and a quarter. The gateways' NATS users need
     * to publish and subscribe on {@code prefix.>}.
     */
    public StreamRoute sharedBetweenGateways(String prefix) {
        PollSharing<?> shared = sharing.orElseThrow(() -> new IllegalStateException("sharedBetweenGateways() needs sharedAs() first"));
        return new StreamRoute(kind, path, subject, interval, conflate, accepts, access, stamps,
                Optional.of(shared.between(prefix)), batching, delivers);
    }

    /**
     * The same publish stream, its events (of every client) gathered for {@code every} and published together
     * on {@code subject} as NDJSON ({@link Batching}), instead of one message per event on the stream's own
     * subject. Worth it when many clients each send often (a fleet's positions): one message in place of
     * hundreds, for NATS and for every listener. An event waits up to {@code every} longer; a client is told
     * of a bad event as before, and an accepted event is one that joined a batch.
     */
    public StreamRoute batched(String subject, Duration every) {
        return batching(new Batching(subject, every));
    }

    /**
     * As {@link #batched}, each event into the batches {@code by} names for it (a batch per subject, each
     * published every {@code every}), all under {@code under} ({@code ms.geo}: a subject outside it refuses the
     * event). Positions sharded by region: each goes to its region's batch, and to a neighbour's when near.
     */
    public StreamRoute batchedBy(String under, BatchSubjects by, Duration every) {
        return batching(new Batching(under, every, Optional.of(by)));
    }

    private StreamRoute batching(Batching batching) {
        if (kind != Kind.PUBLISH) {
            throw new IllegalStateException("batched() is for publish streams");
        }
        return new StreamRoute(kind, path, this.subject, interval, conflate, accepts, access, stamps, sharing,
                Optional.of(batching), delivers);
    }

    /**
     * The same publish stream, its WebSocket form two-way: every message on {@code subject} (path parameters
     * filled in, e.g. {@code ms.drivers.{driverId}.offers}) is sent to the socket's client as one text frame, as
     * it comes, beside the socket's rejections (those have a {@code "rejected"} field). One socket per driver for
     * its positions out and its offers in, instead of a second stream. The subscription is made before the
     * upgrade is answered, so a client that has its socket misses nothing sent after. Up to 256 messages wait
     * for a client that does not read; past that it is told ({@code {"error":{"status":503,...}}}) and the socket
     * is closed (1013). The NDJSON form of the stream is one-way and delivers nothing; a subscription stream on
     * the same subject serves its clients.
     */
    public StreamRoute deliversOnWebSocket(String subject) {
        if (kind != Kind.PUBLISH) {
            throw new IllegalStateException("deliversOnWebSocket() is for publish streams; a poll stream has alsoDelivers()");
        }
        return new StreamRoute(kind, path, this.subject, interval, conflate, accepts, access, stamps, sharing, batching,
                Optional.of(subject));
    }

    /**
     * The same poll stream, also sending its client every message on {@code subject} (path parameters filled
     * in, e.g. {@code ms.riders.{riderId}.rides}) as it comes, between the answers: one stream per client for
     * what it polls and what happens to it, instead of a second stream. The answers stay latest-only; the
     * delivered messages are queued and each is sent, in order (up to 256 wait for a client that does not read;
     * past that it is told, {@code {"error":{"status":503,...}}}, and the stream ends). The subscription is made
     * before the stream's first line, so a client whose stream is open misses nothing sent after.
     */
    public StreamRoute alsoDelivers(String subject) {
        if (kind != Kind.POLL) {
            throw new IllegalStateException("alsoDelivers() is for poll streams; a publish stream has deliversOnWebSocket()");
        }
        return new StreamRoute(kind, path, this.subject, interval, conflate, accepts, access, stamps, sharing, batching,
                Optional.of(subject));
    }

    /** The HTTP method that opens this stream. */
    String method() {
        return kind == Kind.PUBLISH ? "POST" : "GET";
    }
}
