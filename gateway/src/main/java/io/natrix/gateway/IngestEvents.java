package io.natrix.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.Natrix;
import io.natrix.NatrixException;
import io.natrix.RequestContext;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** Checks one incoming event (an NDJSON line or a WebSocket message) and publishes it: the rules both share. */
final class IngestEvents {

    private final Natrix natrix;
    private final String subject;
    private final int maxBytes;
    private final EventRewriter rewriter;
    private final RequestShape shape;
    private final Optional<RateLimits.Rate> rate;
    private final Optional<String> stamps;
    private final Optional<RoutedBatches> batches;

    IngestEvents(Natrix natrix, String subject, RequestShape shape, Optional<String> stamps, int maxBytes, ObjectMapper json,
                 Optional<RateLimits.Rate> rate, Optional<RoutedBatches> batches) {
        this.batches = batches;
        this.shape = shape;
        this.stamps = stamps;
        this.rate = rate;
        this.natrix = natrix;
        this.subject = subject;
        this.maxBytes = maxBytes;
        this.rewriter = new EventRewriter(json.getFactory());
    }

    /** Where one stream's events go: its subject, filled once, and the path parameters merged into each event. */
    record Target(String subject, Map<String, String> parameters) {
    }

    /** One stream's target; refuses (400) path parameters that cannot fill the subject, before the stream starts. */
    Target target(Map<String, String> pathParameters) {
        return new Target(SubjectTemplate.fill(subject, pathParameters), Map.copyOf(pathParameters));
    }

    int maxBytes() {
        return maxBytes;
    }

    /** What became of one event. */
    sealed interface Outcome {
        /** Published (or, on a batched route, joined the batch that will be). */
        record Published() implements Outcome {
        }

        /** A blank line: ignored, neither accepted nor rejected. */
        record Blank() implements Outcome {
        }

        /** Not published; {@code reason} is what the client is told. */
        record Rejected(String reason) implements Outcome {
        }
    }

    private static final Outcome PUBLISHED = new Outcome.Published();
    private static final Outcome BLANK = new Outcome.Blank();

    /**
     * Checks and publishes one event. It goes without the stream's request context: an event has no reply and
     * starts no trace, so its listeners are not handed a request id and an actor on every one of thousands a
     * second (the subject, or on a batched route the event's own fields, filled from the verified path, say
     * whose it is).
     */
    Outcome publish(byte[] bytes, Target target, RequestContext context) {
        if (bytes.length > maxBytes) {
            return tooLong();
        }
        if (rate.isPresent()) {
            // per event: the header as it is is the key; it is parsed only to say whose events were too many
            Optional<String> actor = context.header(RequestContext.ACTOR);
            if (actor.isPresent() && rate.get().take(actor.get()) > 0) {
                return new Outcome.Rejected("rate limited: more than " + rate.get().perSecond() + " events/s for "
                        + context.actor().map(io.natrix.Actor::id).orElse(actor.get()));
            }
        }
        switch (Text.of(bytes)) {
            case NOT_UTF8 -> {
                return new Outcome.Rejected("not UTF-8");
            }
            case BLANK -> {
                return BLANK;
            }
            case CONTENT -> { }
        }
        byte[] encoded;
        try {
            encoded = rewriter.rewrite(bytes, target.parameters(), stamps, System.currentTimeMillis());
        } catch (EventRewriter.NotAnObject e) {
            return new Outcome.Rejected(e.getMessage());
        }
        Optional<String> problem = shape.problem(encoded);
        if (problem.isPresent()) {
            return new Outcome.Rejected(problem.get());
        }
        try {
            if (batches.isPresent()) {
                return batches.get().add(encoded) ? PUBLISHED : new Outcome.Rejected("not published: the gateway is stopping");
            }
            natrix.publish(target.subject(), encoded);
            return PUBLISHED;
        } catch (NatrixException | IllegalArgumentException | HttpProblem e) {
            return new Outcome.Rejected("not published: " + e.getMessage());
        }
    }

    /** What an event's bytes are, read once: ASCII (the usual case) is UTF-8 without decoding anything. */
    private enum Text {
        NOT_UTF8, BLANK, CONTENT;

        static Text of(byte[] bytes) {
            boolean blank = true;
            for (byte b : bytes) {
                if (b < 0) {
                    return decoded(bytes);
                }
                blank &= b == ' ' || b == '\t' || b == '\r' || b == '\n';
            }
            return blank ? BLANK : CONTENT;
        }

        /** Not ASCII: decoded strictly; blank by Unicode's whitespace too. */
        private static Text decoded(byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString().isBlank()
                        ? BLANK : CONTENT;
            } catch (CharacterCodingException e) {
                return NOT_UTF8;
            }
        }
    }

    Outcome.Rejected tooLong() {
        return new Outcome.Rejected("over " + maxBytes + " bytes");
    }
}
