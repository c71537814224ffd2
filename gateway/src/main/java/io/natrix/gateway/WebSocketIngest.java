package io.natrix.gateway;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** A {@link WebSocketRoute} on the gateway's own port: Helidon reads each socket on a virtual thread of its own. */
final class WebSocketIngest implements WsListener {

    private final WebSocketRoute route;
    private WebSocketEvents events;

    WebSocketIngest(WebSocketRoute route) {
        this.route = route;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        String uriPath = prologue.uriPath().path();
        Map<String, String> parameters = route.match(uriPath)
                .orElseThrow(() -> new WsUpgradeException("no WebSocket route for " + uriPath));
        try {
            // refused: never upgraded, nothing published; Helidon's listener is not told the client's address
            events = route.admit(uriPath, parameters, headers, RequestIds.from(headers), () -> "websocket");
        } catch (HttpProblem refused) {
            throw new WsUpgradeException(refused.status() + " " + refused.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        events.fragment(text.getBytes(StandardCharsets.UTF_8), last).ifPresent(answer -> session.send(answer, true));
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        byte[] bytes = new byte[buffer.available()];
        buffer.read(bytes);
        events.fragment(bytes, last).ifPresent(answer -> session.send(answer, true));
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
        if (events != null) {
            events.close();
        }
    }
}
