package io.natrix.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.RequestContext;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Optional;

/**
 * The events of one admitted ingest WebSocket: every message, whole or in fragments, is one JSON event, checked
 * and published as it completes. A bad one is answered with {@code {"rejected":n,"reason":"..."}} (n counts the
 * socket's messages from 1) and the stream goes on. One reader per socket; closing it frees the socket's stream
 * slots, once.
 */
final class WebSocketEvents implements AutoCloseable {

    private final IngestEvents events;
    private final IngestEvents.Target target;
    private final RequestContext context;
    private final ObjectMapper json;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private Runnable release;
    private long received;
    private boolean overflow;

    WebSocketEvents(IngestEvents events, IngestEvents.Target target, RequestContext context, ObjectMapper json, Runnable release) {
        this.events = events;
        this.target = target;
        this.context = context;
        this.json = json;
        this.release = release;
    }

    /**
     * Takes one fragment of a message; at the {@code last} one, checks and publishes the whole message. Returns
     * what to answer on the socket: a rejection, or nothing.
     */
    Optional<String> fragment(byte[] bytes, boolean last) {
        if (last && partial.size() == 0 && !overflow) {
            return answer(events.publish(bytes, target, context)); // a whole message (the usual case): no copy
        }
        if (!overflow && partial.size() + bytes.length <= events.maxBytes()) {
            partial.writeBytes(bytes);
        } else {
            overflow = true; // the rest of an oversized message is not kept, only refused at its end
            partial.reset();
        }
        if (!last) {
            return Optional.empty();
        }
        IngestEvents.Outcome outcome = overflow ? events.tooLong() : events.publish(partial.toByteArray(), target, context);
        partial.reset();
        overflow = false;
        return answer(outcome);
    }

    private Optional<String> answer(IngestEvents.Outcome outcome) {
        received++;
        return outcome instanceof IngestEvents.Outcome.Rejected(String reason) ? Optional.of(rejection(reason)) : Optional.empty();
    }

    private String rejection(String reason) {
        try {
            return json.writeValueAsString(Map.of("rejected", received, "reason", reason));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (release != null) {
            release.run();
            release = null;
        }
    }
}
