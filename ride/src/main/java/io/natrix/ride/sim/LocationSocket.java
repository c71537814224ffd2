package io.natrix.ride.sim;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * One driver's location WebSocket, on the simulator's event loop ({@link SimSockets}). Sending never
 * blocks: a position the socket cannot take now (the gateway is not reading) is not sent, as an app drops a
 * position it cannot send, and a socket that could not take one for {@value #STUCK_SECONDS} sends in a row is
 * closed as lost. What the gateway says on it goes to {@code answers}; how it ended, to {@link #ended()}.
 */
final class LocationSocket extends SimConnection<WebSocketFrame> {

    /** Sends in a row the socket could not take before it counts as lost (one a second: the JDK client's 5 s). */
    static final int STUCK_SECONDS = 5;

    private final Consumer<String> answers;
    private int refusedInARow; // the event loop's only

    LocationSocket(Consumer<String> answers) {
        super("the gateway closed the connection");
        this.answers = answers;
    }

    /**
     * Sends one text message without waiting for it; {@code sent} runs on the event loop once the bytes are
     * written. Call on the socket's event loop.
     */
    void send(String text, Runnable sent) {
        Channel open = channel();
        if (open == null || !open.isActive()) {
            return; // closing: the driver's own thread reports the loss
        }
        if (!open.isWritable()) {
            if (++refusedInARow >= STUCK_SECONDS) {
                closing("no position could be sent for " + STUCK_SECONDS + " s (the gateway reads nothing)");
                open.close();
            }
            return;
        }
        refusedInARow = 0;
        open.writeAndFlush(new TextWebSocketFrame(text)).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                sent.run();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            opened().complete(null);
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            opened().completeExceptionally(new IOException("no answer to the WebSocket handshake in time"));
        }
        super.userEventTriggered(context, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            answers.accept(text.text());
        } else if (frame instanceof CloseWebSocketFrame close) {
            closing("the gateway closed the socket: " + close.statusCode() + " " + close.reasonText());
            context.close();
        }
    }
}
