package io.natrix.gateway;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link WebSocketRoute} on the gateway's own port: Helidon reads each socket on a virtual thread of its own.
 * What the route delivers on its sockets waits in a mailbox ({@value WebSocketRoute#QUEUE} messages at most)
 * that a second virtual thread writes to the socket, since Helidon's send blocks on a client that does not read.
 * A client that falls behind is told and closed as on the ingest port: once it reads again, or within
 * {@value IngestSocket#FAREWELL_SECONDS} s, when the blocked writer is interrupted (which closes the socket).
 */
final class WebSocketIngest implements WsListener {

    private final WebSocketRoute route;
    private final Mailbox delivered = Mailbox.queue(WebSocketRoute.QUEUE);
    private final ReentrantLock sending = new ReentrantLock(); // answers and deliveries come from two threads
    private final java.util.concurrent.atomic.AtomicBoolean fellBehind = new java.util.concurrent.atomic.AtomicBoolean();
    private WebSocketEvents events;
    private volatile Thread writer;

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
            events = route.admit(uriPath, parameters, headers, RequestIds.from(headers), () -> "websocket", this::delivered);
        } catch (HttpProblem refused) {
            throw new WsUpgradeException(refused.status() + " " + refused.getMessage());
        }
        return Optional.empty();
    }

    /** On the NATS dispatcher: kept for the writer, or the start of the end of a client too far behind. */
    private void delivered(byte[] message) {
        if (!delivered.offer(message) && fellBehind.compareAndSet(false, true)) {
            route.streams().fellBehind();
            Thread.ofVirtual().name("websocket farewell").start(() -> {
                try {
                    Thread.sleep(java.time.Duration.ofSeconds(IngestSocket.FAREWELL_SECONDS));
                } catch (InterruptedException stopped) {
                    return;
                }
                Thread blocked = writer;
                if (blocked != null) {
                    blocked.interrupt(); // a write the client never read: the socket closes under it
                }
            });
        }
    }

    @Override
    public void onOpen(WsSession session) {
        if (route.delivers().isPresent()) {
            writer = Thread.ofVirtual().name("websocket deliveries").start(() -> deliver(session));
        }
    }

    /** Writes what the route delivers, in order, until the socket ends or its client falls too far behind. */
    private void deliver(WsSession session) {
        try {
            while (true) {
                switch (delivered.take(Duration.ofMinutes(1))) {
                    case Mailbox.Message message -> send(session, new String(message.payload(), StandardCharsets.UTF_8));
                    case Mailbox.Idle ignored -> { }
                    case Mailbox.Closing ignored -> {
                        return;
                    }
                    case Mailbox.Overrun overrun -> {
                        send(session, new String(OutboundStream.fellBehind(overrun.capacity()), StandardCharsets.UTF_8));
                        session.close(WebSocketRoute.FELL_BEHIND, "fell " + overrun.capacity() + " messages behind");
                        release(); // its slots and subscription now: Helidon tells nothing more of a client that leaves without answering
                        return;
                    }
                }
            }
        } catch (InterruptedException ended) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException socketGone) {
            // the client went away while a message was written: the socket's own thread ends it
        } finally {
            writer = null;
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        events.fragment(text.getBytes(StandardCharsets.UTF_8), last).ifPresent(answer -> send(session, answer));
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        byte[] bytes = new byte[buffer.available()];
        buffer.read(bytes);
        events.fragment(bytes, last).ifPresent(answer -> send(session, answer));
    }

    /** One whole text message; Helidon's send writes frames, so one sender at a time. */
    private void send(WsSession session, String text) {
        sending.lock();
        try {
            session.send(text, true);
        } finally {
            sending.unlock();
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
        if (events != null) {
            events.close();
        }
        delivered.close();
    }
}
