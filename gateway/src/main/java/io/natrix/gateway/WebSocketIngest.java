package io.natrix.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.natrix.RequestContext;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The WebSocket form of a {@link StreamRoute#publish} stream, one listener per connection: every message is
 * one JSON event, checked and published as it arrives; a bad one is answered on the socket with
 * {@code {"rejected":n,"reason":"..."}} and the stream goes on.
 */
final class WebSocketIngest implements WsListener {

    private final IngestEvents events;
    private final PathTemplate path;
    private final Access access;
    private final Guard guard;
    private final HostCheck hosts;
    private final StreamCounter streams;
    private final ObjectMapper json;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private IngestEvents.Target target;
    private RequestContext context = RequestContext.of(Map.of());
    private StreamCounter.Slot slot;
    private StreamCounter.Slot actorStream;
    private long received;
    private boolean overflow;

    WebSocketIngest(IngestEvents events, PathTemplate path, Access access, Guard guard, HostCheck hosts, StreamCounter streams,
                    ObjectMapper json) {
        this.events = events;
        this.path = path;
        this.access = access;
        this.guard = guard;
        this.hosts = hosts;
        this.streams = streams;
        this.json = json;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        String uriPath = prologue.uriPath().path();
        Map<String, String> parameters = path.match(uriPath)
                .orElseThrow(() -> new WsUpgradeException("no WebSocket route for " + uriPath));
        Guard.Admitted admitted;
        try {
            hosts.requireHost(headers);
            hosts.requireOrigin(headers);
            admitted = guard.admit(access, uriPath, headers, parameters, () -> "websocket"); // refused: never upgraded, nothing published
            target = events.target(admitted.parameters()); // a parameter that cannot fill the subject: 400, never upgraded
            actorStream = guard.streamSlot(admitted.actor());
        } catch (HttpProblem refused) {
            throw new WsUpgradeException(refused.status() + " " + refused.getMessage());
        }
        String requestId = headers.first(GatewayHandler.REQUEST_ID).filter(RequestIds::sane).orElseGet(RequestIds::random);
        Map<String, String> carried = new java.util.LinkedHashMap<>();
        carried.put(RequestContext.REQUEST_ID, requestId);
        admitted.actor().ifPresent(actor -> carried.put(RequestContext.ACTOR, actor.header()));
        context = RequestContext.of(carried);
        try {
            slot = streams.open();
        } catch (HttpProblem tooMany) {
            actorStream.close();
            throw new WsUpgradeException(tooMany.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        append(session, text.getBytes(StandardCharsets.UTF_8), last);
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        byte[] bytes = new byte[buffer.available()];
        buffer.read(bytes);
        append(session, bytes, last);
    }

    private void append(WsSession session, byte[] fragment, boolean last) {
        if (!overflow && partial.size() + fragment.length <= events.maxBytes()) {
            partial.writeBytes(fragment);
        } else {
            overflow = true;
            partial.reset();
        }
        if (!last) {
            return;
        }
        received++;
        IngestEvents.Outcome outcome = overflow ? events.tooLong() : events.publish(partial.toByteArray(), target, context);
        partial.reset();
        overflow = false;
        if (outcome instanceof IngestEvents.Outcome.Rejected(String reason)) {
            session.send(rejection(reason), true);
        }
    }

    private String rejection(String reason) {
        try {
            return json.writeValueAsString(Map.of("rejected", received, "reason", reason));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        release();
    }

    @Override
    public void onError(WsSession session, Throwable error) {
        release();
        session.close(WsCloseCodes.UNEXPECTED_CONDITION, "error: " + error.getMessage());
    }

    private void release() {
        if (slot != null) {
            slot.close();
            slot = null;
        }
        if (actorStream != null) {
            actorStream.close();
            actorStream = null;
        }
    }
}
