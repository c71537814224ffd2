package io.natrix.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Subscription;
import io.natrix.Natrix;
import io.natrix.CallOptions;
import io.natrix.NatrixException;
import io.natrix.NoRespondersException;
import io.natrix.RequestContext;

import io.helidon.webserver.CloseConnectionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link StreamRoute#subscribe} or {@link StreamRoute#poll} stream to one client. It costs the request's own
 * virtual thread and, for a subscription, one subscription on a dispatcher shared by every stream; both end
 * when the client goes away (found by the next write, a message or a heartbeat).
 */
final class OutboundStream implements Forwarder {

    /** Messages a subscription stream keeps for a slow client before it disconnects the client. */
    static final int QUEUE = 256;
    /** The last message of every outbound stream when the gateway stops. */
    static final byte[] CLOSING = "{\"closing\":\"the gateway is stopping; reconnect to another instance\"}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final Natrix natrix;
    private final StreamRoute route;
    private final Duration heartbeat;
    private final ObjectMapper json;
    private final StreamCounter streams;
    private final SharedSubscriptions subscriptions;
    private final IdleWatch idle;
    private final RequestShape shape;
    private final Optional<PollAnswers> answers; // a subscription stream asks nothing
    private final Optional<SharedPolls> shared;

    OutboundStream(Natrix natrix, StreamRoute route, Duration heartbeat, ObjectMapper json, StreamCounter streams,
                   SharedSubscriptions subscriptions, IdleWatch idle) {
        this.idle = idle;
        this.shape = RequestShape.of(json, route.accepts());
        this.natrix = natrix;
        this.route = route;
        this.heartbeat = heartbeat;
        this.json = json;
        this.streams = streams;
        this.subscriptions = subscriptions;
        this.answers = route.kind() == StreamRoute.Kind.POLL ? Optional.of(new PollAnswers(natrix, route, json)) : Optional.empty();
        this.shared = route.sharing().map(sharing -> new SharedPolls(answers.orElseThrow(), route.interval(),
                sharing.between().map(prefix -> new SharedPolls.Between(natrix.nats(), subscriptions, prefix))));
    }

    @Override
    public void serve(Exchange exchange) throws Exception {
        NatsLink.awaitConnected(natrix, NatsLink.RECONNECT_PATIENCE);
        String subject = SubjectTemplate.fill(route.subject(), exchange.pathParameters());
        Optional<String> delivered = route.delivers().map(template -> SubjectTemplate.fill(template, exchange.pathParameters()));
        byte[] pollRequest = route.kind() == StreamRoute.Kind.POLL ? pollRequest(exchange) : null;
        // the watch ends a stream whose writes have made no progress for the idle timeout: a client that stopped reading
        Mailbox mailbox = !route.conflate() ? Mailbox.queue(QUEUE)
                : delivered.isPresent() ? Mailbox.latestOnlyAnd(QUEUE) : Mailbox.latestOnly();
        // a poll's delivered subject is subscribed to before the stream's first line: an open stream misses nothing
        Optional<Subscription> delivering = delivered.map(d -> subscriptions.subscribeForClient(d, message -> mailbox.deliver(message.getData())));
        try (StreamCounter.Slot _ = streams.openOutbound(mailbox);
             IdleWatch.Watch watch = idle.watchCurrentThread();
             StreamWriter writer = StreamWriter.open(exchange.request(), exchange.response(), watch)) {
            if (shared.isPresent()) {
                followShared(subject, pollRequest, writer, mailbox);
            } else if (route.kind() == StreamRoute.Kind.POLL) {
                poll(exchange, subject, pollRequest, writer, mailbox);
            } else {
                relay(subject, writer, mailbox);
            }
        } catch (UncheckedIOException | IOException | InterruptedException | CloseConnectionException clientGone) {
            // the client closed the stream, or stopped reading it; the subscription or the polling ends with it
            throw new StreamEnded();
        } finally {
            delivering.ifPresent(subscriptions::unsubscribe);
        }
    }

    private void relay(String subject, StreamWriter writer, Mailbox mailbox) throws IOException, InterruptedException {
        Subscription subscription = subscriptions.subscribeForClient(subject, message -> mailbox.offer(message.getData()));
        try {
            drain(writer, mailbox);
        } finally {
            subscriptions.unsubscribe(subscription);
        }
    }

    /**
     * Writes what arrives in the mailbox as it arrives, a heartbeat when nothing does, until the gateway stops
     * or the client falls too far behind (a queueing mailbox only: a latest-only one never overruns).
     */
    private void drain(StreamWriter writer, Mailbox mailbox) throws IOException, InterruptedException {
        while (true) {
            Mailbox.Next next = mailbox.take(heartbeat);
            if (next instanceof Mailbox.Idle) {
                writer.heartbeat();
            } else if (!written(next, writer)) {
                return;
            }
        }
    }

    /**
     * Writes what the mailbox gave: a message, or the stream's last words when the gateway stops or the client
     * fell too far behind. Whether the stream goes on.
     */
    private boolean written(Mailbox.Next next, StreamWriter writer) throws IOException {
        switch (next) {
            case Mailbox.Message message -> writer.message(message.payload());
            case Mailbox.Idle ignored -> {
            }
            case Mailbox.Closing ignored -> {
                writer.message(CLOSING);
                return false;
            }
            case Mailbox.Overrun overrun -> {
                streams.fellBehind();
                writer.message(fellBehind(overrun.capacity()));
                return false;
            }
        }
        return true;
    }

    /** The last message to a client that fell {@code capacity} messages behind, on a stream or a socket. */
    static byte[] fellBehind(int capacity) {
        return ("{\"error\":{\"status\":503,\"message\":\"this client fell " + capacity + " messages behind; reconnect\"}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The request a poll repeats (query and path parameters), refused with a 400 before the stream opens; for a
     * shared poll, the canonical request it shares ({@link PollSharing}).
     */
    private byte[] pollRequest(Exchange exchange) throws IOException {
        ObjectNode request = RequestJson.fromQuery(json, exchange.request());
        exchange.pathParameters().forEach(request::put);
        shape.require(request);
        if (route.sharing().isPresent()) {
            return json.writeValueAsBytes(canonical(route.sharing().get(), request));
        }
        return json.writeValueAsBytes(request);
    }

    private <T> T canonical(PollSharing<T> sharing, ObjectNode request) throws IOException {
        try {
            T own = json.readerFor(sharing.type())
                    .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(request);
            return sharing.canonical().apply(own);
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new HttpProblem(400, "invalid request: " + e.getMessage()); // the shape was checked: rare
        }
    }

    /**
     * Asks, writes the answer, waits out the interval (writing what the stream delivers as it comes), asks
     * again: a slow client slows its own polling.
     */
    private void poll(Exchange exchange, String subject, byte[] body, StreamWriter writer, Mailbox mailbox)
            throws IOException, InterruptedException {
        // each poll is a request of its own, with the stream's request id: a trace per poll, not one trace
        // as long as the stream that grows by a few spans every interval
        Map<String, String> carried = new java.util.LinkedHashMap<>();
        exchange.context().requestId().ifPresent(id -> carried.put(RequestContext.REQUEST_ID, id));
        exchange.context().header(RequestContext.ACTOR).ifPresent(actor -> carried.put(RequestContext.ACTOR, actor));
        RequestContext perPoll = RequestContext.of(carried);
        while (true) {
            long started = System.nanoTime();
            writer.message(answers.orElseThrow().answer(perPoll, subject, body));
            long left;
            while ((left = route.interval().toNanos() - (System.nanoTime() - started)) > 0) {
                if (!written(mailbox.take(Duration.ofNanos(left)), writer)) {
                    return;
                }
            }
        }
    }

    /** Writes what the shared poller of this request answers, as it answers, until the client goes. */
    private void followShared(String subject, byte[] request, StreamWriter writer, Mailbox mailbox)
            throws IOException, InterruptedException {
        try (SharedPolls.Membership _ = shared.orElseThrow().join(subject, request, mailbox)) {
            drain(writer, mailbox);
        }
    }

    /** Its shared pollers asking now (none for a route that does not share). */
    int sharedPollers() {
        return shared.map(SharedPolls::pollers).orElse(0);
    }

    /** Stops the shared pollers, if any: the gateway is stopping. */
    void close() {
        shared.ifPresent(SharedPolls::close);
    }
}
