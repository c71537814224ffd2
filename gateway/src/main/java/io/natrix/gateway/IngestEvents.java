package io.natrix.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.Natrix;
import io.natrix.NatrixException;
import io.natrix.RequestContext;

import java.io.IOException;
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
    private final ObjectMapper json;
    private final RequestShape shape;
    private final Optional<RateLimits.Rate> rate;
    private final Optional<String> stamps;
    private final Optional<EventBatches> batches;

    IngestEvents(Natrix natrix, String subject, RequestShape shape, Optional<String> stamps, int maxBytes, ObjectMapper json,
                 Optional<RateLimits.Rate> rate, Optional<EventBatches> batches) {
        this.batches = batches;
        this.shape = shape;
        this.stamps = stamps;
        this.rate = rate;
        this.natrix = natrix;
        this.subject = subject;
        this.maxBytes = maxBytes;
        this.json = json;
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
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new Outcome.Rejected("not UTF-8");
        }
        if (text.isBlank()) {
            return BLANK;
        }
        JsonNode event;
        try {
            event = json.readTree(text);
        } catch (IOException e) {
            return new Outcome.Rejected("not valid JSON");
        }
        if (!(event instanceof ObjectNode object)) {
            return new Outcome.Rejected("not a JSON object");
        }
        target.parameters().forEach(object::put);
        stamps.ifPresent(field -> object.put(field, System.currentTimeMillis())); // over the client's own, if any
        Optional<String> problem = shape.problem(object);
        if (problem.isPresent()) {
            return new Outcome.Rejected(problem.get());
        }
        try {
            byte[] encoded = json.writeValueAsBytes(object); // compact: no newline in it, as a batch's line must be
            if (batches.isPresent()) {
                return batches.get().add(encoded) ? PUBLISHED : new Outcome.Rejected("not published: the gateway is stopping");
            }
            natrix.publish(target.subject(), encoded);
            return PUBLISHED;
        } catch (NatrixException | IOException | IllegalArgumentException | HttpProblem e) {
            return new Outcome.Rejected("not published: " + e.getMessage());
        }
    }

    Outcome.Rejected tooLong() {
        return new Outcome.Rejected("over " + maxBytes + " bytes");
    }
}
