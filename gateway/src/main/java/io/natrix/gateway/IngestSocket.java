package io.natrix.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One socket of the {@link IngestServer}, on its event loop: the upgrade is admitted as on the gateway's port
 * (a refusal is that port's status and error body, and the socket is never upgraded), then every frame goes to
 * the socket's {@link WebSocketEvents} as it arrives, and what the route delivers on its sockets is written as
 * it comes (held until the upgrade is answered; a client {@value WebSocketRoute#QUEUE} messages behind is told
 * and closed).
 */
final class IngestSocket extends ChannelInboundHandlerAdapter {

    /** Frames above this are refused by the decoder (1009); a message's own limit is the route's, checked whole. */
    static final int MAX_FRAME_BYTES = 1 << 20;
    /** How long a client that fell behind has to read what was written before its socket is closed regardless. */
    static final int FAREWELL_SECONDS = 10;

    private final List<WebSocketRoute> routes;
    private final Responses responses;
    private WebSocketServerHandshaker handshaker; // the loop's only, as everything here
    private WebSocketEvents events;
    private WebSocketRoute route; // the admitted socket's
    private final java.util.ArrayDeque<byte[]> early = new java.util.ArrayDeque<>(); // delivered before the upgrade's answer
    private boolean upgraded;
    private int unwritten; // delivered messages not yet written to the socket
    private boolean fellBehind;

    IngestSocket(List<WebSocketRoute> routes, Responses responses) {
        this.routes = routes;
        this.responses = responses;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        try {
            switch (message) {
                case FullHttpRequest upgrade when events == null -> upgrade(context, upgrade);
                case WebSocketFrame frame when events != null -> frame(context, frame);
                default -> { } // what a refused client still sends (the decoder drops the rest of a bad request)
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void upgrade(ChannelHandlerContext context, FullHttpRequest request) {
        WritableHeaders<?> headers = WritableHeaders.create(); // the gateway's own checks read Helidon's headers
        request.headers().forEach(header -> headers.add(HeaderNames.create(header.getKey()), header.getValue()));
        String requestId = RequestIds.from(headers);
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            refuse(context, cause instanceof TooLongFrameException
                    ? new HttpProblem(431, "the request line or header section is too long: " + cause.getMessage())
                    : new HttpProblem(400, "not an HTTP request: " + cause.getMessage()), requestId);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (!request.method().equals(HttpMethod.GET)
                || !request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            refuse(context, new HttpProblem(400, "this port takes only WebSocket upgrades of the gateway's publish streams"), requestId);
            return;
        }
        for (WebSocketRoute route : routes) {
            Optional<Map<String, String>> parameters = route.match(path);
            if (parameters.isPresent()) {
                admit(context, request, headers, route, path, parameters.get(), requestId);
                return;
            }
        }
        refuse(context, new HttpProblem(404, "no WebSocket route for " + path), requestId);
    }

    private void admit(ChannelHandlerContext context, FullHttpRequest request, WritableHeaders<?> headers, WebSocketRoute route,
                       String path, Map<String, String> parameters, String requestId) {
        Channel channel = context.channel();
        this.route = route;
        try {
            // delivered on the NATS dispatcher: handed to the loop, which owns the socket
            events = route.admit(path, parameters, headers, requestId, () -> address(channel),
                    message -> channel.eventLoop().execute(() -> deliver(context, message)));
        } catch (HttpProblem refused) {
            refuse(context, refused, requestId); // never upgraded, nothing published
            return;
        }
        String location = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        handshaker = new WebSocketServerHandshakerFactory(location, null,
                WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(MAX_FRAME_BYTES).allowExtensions(false).build())
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(context.channel());
            context.close();
            return;
        }
        handshaker.handshake(context.channel(), request).addListener(answered -> {
            if (answered.isSuccess()) {
                upgraded = true;
                while (!early.isEmpty()) {
                    deliver(context, early.poll());
                }
            }
        });
    }

    /** One message the route delivers: written, kept until the upgrade is answered, or the end of a client too far behind. */
    private void deliver(ChannelHandlerContext context, byte[] message) {
        if (fellBehind || !context.channel().isActive()) {
            return;
        }
        if (!upgraded) {
            early.add(message);
            return;
        }
        if (unwritten >= WebSocketRoute.QUEUE) {
            fellBehind = true;
            route.streams().fellBehind();
            context.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(OutboundStream.fellBehind(WebSocketRoute.QUEUE))));
            context.writeAndFlush(new CloseWebSocketFrame(WebSocketRoute.FELL_BEHIND, "fell " + WebSocketRoute.QUEUE
                    + " messages behind")).addListener(ChannelFutureListener.CLOSE);
            // a client that never reads again never gets those either: the socket ends without them
            context.executor().schedule(() -> context.close(), FAREWELL_SECONDS, TimeUnit.SECONDS);
            return;
        }
        unwritten++;
        context.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(message))).addListener(written -> unwritten--);
    }

    private void frame(ChannelHandlerContext context, WebSocketFrame frame) {
        switch (frame) {
            case TextWebSocketFrame text -> message(context, text);
            case BinaryWebSocketFrame binary -> message(context, binary);
            case ContinuationWebSocketFrame continued -> message(context, continued);
            case PingWebSocketFrame ping -> context.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            case CloseWebSocketFrame close -> handshaker.close(context.channel(), close.retain());
            default -> { } // a pong
        }
    }

    private void message(ChannelHandlerContext context, WebSocketFrame frame) {
        events.fragment(ByteBufUtil.getBytes(frame.content()), frame.isFinalFragment()).ifPresent(answer -> {
            context.writeAndFlush(new TextWebSocketFrame(answer));
            if (!context.channel().isWritable()) {
                // a client that does not read its answers is not read either, until it does (as a thread per
                // socket would block on the write): its answers never pile up in the gateway's memory
                context.channel().config().setAutoRead(false);
            }
        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
        if (context.channel().isWritable()) {
            context.channel().config().setAutoRead(true);
        }
        super.channelWritabilityChanged(context);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            close(context.channel(), WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "nothing received for too long");
        } else {
            super.userEventTriggered(context, event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        if (events != null) {
            events.close();
        }
        super.channelInactive(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        // a reset by the client, a frame over the limit (the decoder has answered 1009): the socket ends
        context.close();
    }

    /** The server is stopping: a socket that was upgraded is told so (1001) and closed; one that reads nothing, closed. */
    static void goingAway(Channel channel) {
        channel.eventLoop().execute(() -> close(channel, WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "the gateway is stopping"));
    }

    private static void close(Channel channel, WebSocketCloseStatus status, String reason) {
        IngestSocket socket = channel.pipeline().get(IngestSocket.class);
        if (socket != null && socket.handshaker != null && socket.events != null && channel.isWritable()) {
            channel.writeAndFlush(new CloseWebSocketFrame(status.code(), reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    private static String address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress().getHostAddress() : "unknown";
    }

    /** A refused upgrade: the gateway port's status and error body, then the connection closes. */
    private void refuse(ChannelHandlerContext context, HttpProblem problem, String requestId) {
        byte[] body = responses.errorBody(problem, requestId);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(problem.status()),
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        problem.retryAfterSeconds().ifPresent(seconds -> response.headers().set(HttpHeaderNames.RETRY_AFTER, seconds));
        problem.challenge().ifPresent(challenge -> response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge));
        context.writeAndFlush(response).addListener(written -> endAfterAnswer(context.channel()));
    }

    /**
     * Ends a refused connection without losing the answer: the gateway's side is shut (the client reads the
     * answer, then the end), what the client still sends is read and dropped, and the socket closes when the
     * client closes, or a second later. (Closing at once with unread bytes would reset the connection, and a
     * client could lose the answer to the reset.)
     */
    private static void endAfterAnswer(Channel channel) {
        if (channel instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        }
        channel.eventLoop().schedule(() -> channel.close(), 1, TimeUnit.SECONDS);
    }
}
