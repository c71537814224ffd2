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

/**
 * A {@link StreamRoute#subscribe} or {@link StreamRoute#poll} stream to one client. It costs the request's own
 * virtual thread and, for a subscription, one subscription on a dispatcher shared by every stream; both end
 * when the client goes away (found by the next write, a message or a heartbeat).
 */
final class OutboundStream implements Forwarder {

    /** How long a poll that found nobody to answer waits before it asks again. */
    static final Duration NOBODY_PAUSE = Duration.ofMillis(100);
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
    private final SharedSubscriptions shared;
    private final IdleWatch idle;
    private final RequestShape shape;

    OutboundStream(Natrix natrix, StreamRoute route, Duration heartbeat, ObjectMapper json, StreamCounter streams,
                   SharedSubscriptions shared, IdleWatch idle) {
        this.idle = idle;
        this.shape = RequestShape.of(json, route.accepts());
        this.natrix = natrix;
        this.route = route;
        this.heartbeat = heartbeat;
        this.json = json;
        this.streams = streams;
        this.shared = shared;
    }

    @Override
    public void serve(Exchange exchange) throws Exception {
        NatsLink.awaitConnected(natrix, NatsLink.RECONNECT_PATIENCE);
        String subject = SubjectTemplate.fill(route.subject(), exchange.pathParameters());
        byte[] pollRequest = route.kind() == StreamRoute.Kind.POLL ? pollRequest(exchange) : null;
        // the watch ends a stream whose writes have made no progress for the idle timeout: a client that stopped reading
        Mailbox mailbox = route.conflate() ? Mailbox.latestOnly() : Mailbox.queue(QUEUE);
        try (StreamCounter.Slot _ = streams.openOutbound(mailbox);
             IdleWatch.Watch watch = idle.watchCurrentThread();
             StreamWriter writer = StreamWriter.open(exchange.request(), exchange.response(), watch)) {
            if (route.kind() == StreamRoute.Kind.POLL) {
                poll(exchange, subject, pollRequest, writer, mailbox);
            } else {
                relay(subject, writer, mailbox);
            }
        } catch (UncheckedIOException | IOException | InterruptedException | CloseConnectionException clientGone) {
            // the client closed the stream, or stopped reading it; the subscription or the polling ends with it
            throw new StreamEnded();
        }
    }

    private void relay(String subject, StreamWriter writer, Mailbox mailbox) throws IOException, InterruptedException {
        Subscription subscription = shared.subscribe(subject, message -> mailbox.offer(message.getData()));
        try {
            while (true) {
                switch (mailbox.take(heartbeat)) {
                    case Mailbox.Message message -> writer.message(message.payload());
                    case Mailbox.Idle ignored -> writer.heartbeat();
                    case Mailbox.Closing ignored -> {
                        writer.message(CLOSING);
                        return;
                    }
                    case Mailbox.Overrun overrun -> {
                        writer.message(json.writeValueAsBytes(Map.of("error", Map.of("status", 503,
                                "message", "this client fell " + overrun.capacity() + " messages behind; reconnect"))));
                        return;
                    }
                }
            }
        } finally {
            shared.unsubscribe(subscription);
        }
    }

    /** The request a poll repeats (query and path parameters), refused with a 400 before the stream opens. */
    private byte[] pollRequest(Exchange exchange) throws IOException {
        ObjectNode request = RequestJson.fromQuery(json, exchange.request());
        exchange.pathParameters().forEach(request::put);
        shape.require(request);
        return json.writeValueAsBytes(request);
    }

    /**
     * One poll's answer. When nobody answers the subject (no responders: nothing was done), it asks again every
     * {@link #NOBODY_PAUSE} within the poll's window before the failure becomes an error line: the instances of
     * a service connected to a NATS server that just died are subscribed again within milliseconds (measured in
     * {@code ./natrix chaos}), and a rider should not see that moment.
     */
    private byte[] ask(RequestContext perPoll, String subject, byte[] body, CallOptions options, long started)
            throws InterruptedException {
        long window = route.interval().multipliedBy(2).toNanos();
        while (true) {
            try {
                return perPoll.call(() -> natrix.call(subject, body, byte[].class, options));
            } catch (NoRespondersException nobody) {
                long left = window - (System.nanoTime() - started);
                if (left < NOBODY_PAUSE.toNanos() * 2) {
                    throw nobody;
                }
                Thread.sleep(NOBODY_PAUSE);
            }
        }
    }

    /** Asks, writes the answer, waits out the interval, asks again: a slow client slows its own polling. */
    private void poll(Exchange exchange, String subject, byte[] body, StreamWriter writer, Mailbox closer)
            throws IOException, InterruptedException {
        // a query asked again and again: safe to retry. It may take two intervals, so a hiccup of a second (a
        // collector, a just-started instance) makes one late answer (askedAt says so) instead of an error and a
        // gap. Not hedged: hedging every poll at the subject's p95 doubled the load whenever the machine
        // hiccuped (measured in ./natrix chaos, RELIABILITY.md)
        CallOptions options = CallOptions.timeout(route.interval().multipliedBy(2)).idempotent().retries(1)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100));
        // each poll is a request of its own, with the stream's request id: a trace per poll, not one trace
        // as long as the stream that grows by a few spans every interval
        Map<String, String> carried = new java.util.LinkedHashMap<>();
        exchange.context().requestId().ifPresent(id -> carried.put(RequestContext.REQUEST_ID, id));
        exchange.context().header(RequestContext.ACTOR).ifPresent(actor -> carried.put(RequestContext.ACTOR, actor));
        RequestContext perPoll = RequestContext.of(carried);
        while (true) {
            long started = System.nanoTime();
            long askedAt = System.currentTimeMillis();
            byte[] answer;
            try {
                answer = ask(perPoll, subject, body, options, started);
            } catch (NatrixException failure) {
                HttpProblem problem = HttpProblem.of(failure, subject, route.method() + " " + route.path());
                answer = json.writeValueAsBytes(Map.of("error", Map.of("status", problem.status(),
                        "message", problem.getMessage())));
            }
            writer.message(AskedAt.stamp(answer, askedAt));
            long left = route.interval().toNanos() - (System.nanoTime() - started);
            if (closer.take(Duration.ofNanos(Math.max(0, left))) instanceof Mailbox.Closing) {
                writer.message(CLOSING);
                return;
            }
        }
    }
}
