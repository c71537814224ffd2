package io.natrix.ride.sim;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The simulator's long-lived connections, all on one Netty event loop: the drivers' location WebSockets and every
 * agent's line streams (a rider's nearby answers and rides, a driver's offers), and the tick that drives the
 * drivers: every driver is given one of {@value #SLOTS} slots of the second, and each slot's drivers take one
 * step and send their position when its turn comes, on the loop itself. No driver sleeps on a thread of its own
 * between positions, no send waits for the one before (a position costs one frame written to a socket), and a
 * line read is handed to its agent where it was read, with no thread woken for it. (The JDK's clients, which
 * these replace for streams, drew a random mask per WebSocket frame from {@code SecureRandom}, waited on a future
 * per send and passed every line read through a queue to a waiting thread; the simulator is part of what the
 * fleet bench measures, so its cost per agent is the bench's too.) Calls that wait for an answer (sign-ups, ride
 * requests) stay on the JDK's HTTP client, on the agents' virtual threads.
 */
final class SimSockets implements AutoCloseable {

    /** The tick's slots: a driver sends at its own moment of the second, so the fleet's positions are spread. */
    static final int SLOTS = 100;

    /** One step of one driver; runs on the event loop and must not block. */
    interface Ticked {
        void tick();
    }

    /** Linux's epoll directly where Netty's native transport loads (this machine), else the JDK's selector. */
    private static final boolean EPOLL = Epoll.isAvailable();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sim-sockets", true), // daemon: never keeps a JVM up
            EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final List<Set<Ticked>> slots = new ArrayList<>();
    private final Consumer<RuntimeException> failed;
    private int nextSlot; // guarded by this
    private long ticks; // the loop's only
    private SslContext tls; // made at the first secure connection; guarded by this

    /** {@code failed} hears of a tick that threw (a bug of the simulator's: it must not stop the others). */
    SimSockets(Consumer<RuntimeException> failed) {
        this.failed = failed;
        for (int i = 0; i < SLOTS; i++) {
            slots.add(ConcurrentHashMap.newKeySet());
        }
        long every = TimeUnit.SECONDS.toNanos(1) / SLOTS;
        loop.scheduleAtFixedRate(this::tickSlot, every, every, TimeUnit.NANOSECONDS);
    }

    /** {@code driver} ticks once a second from now on, in the next slot; returns the slot, for {@link #stop}. */
    synchronized int start(Ticked driver) {
        int slot = nextSlot;
        nextSlot = (nextSlot + 1) % SLOTS;
        slots.get(slot).add(driver);
        return slot;
    }

    /** {@code driver} ticks no more (a tick under way may still finish). */
    void stop(Ticked driver, int slot) {
        slots.get(slot).remove(driver);
    }

    private void tickSlot() {
        for (Ticked driver : slots.get((int) (ticks++ % SLOTS))) {
            try {
                driver.tick();
            } catch (RuntimeException bug) {
                failed.accept(bug);
            }
        }
    }

    /**
     * Opens a WebSocket to {@code uri} ({@code ws:} or {@code wss:}) carrying {@code token} as a bearer token,
     * from {@code source} when given; blocks until the handshake is done.
     *
     * @throws SimHttp.Refused when the gateway answers the upgrade with another status than 101 (Helidon answers
     *                         400 to an upgrade it refuses, whatever the reason)
     */
    LocationSocket openLocations(URI uri, Optional<String> token, Optional<InetAddress> source, Consumer<String> answers)
            throws IOException, InterruptedException {
        HttpHeaders headers = new DefaultHttpHeaders();
        token.ifPresent(value -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + value));
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri)
                .customHeaders(headers).handshakeTimeoutMillis(10_000).handleCloseFrames(false).build();
        LocationSocket socket = new LocationSocket(answers);
        Channel channel = connect(uri, source, socket.opened(), new HttpClientCodec(), new HttpObjectAggregator(65_536),
                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(65_536), socket).channel();
        awaitOpen(socket.opened(), channel, "WebSocket " + uri);
        return socket;
    }

    /**
     * Opens a long-lived {@code GET} of {@code uri} (NDJSON, or SSE when {@code sse}) carrying {@code token} as a
     * bearer token, from {@code source} when given; blocks until the gateway answers 200. From then on every line
     * goes to {@code lines} on the event loop, which must not block.
     *
     * @throws SimHttp.Refused when the gateway answers with another status, with its words
     */
    LineStream openLines(URI uri, Optional<String> token, Optional<InetAddress> source, boolean sse, Consumer<String> lines)
            throws IOException, InterruptedException {
        String what = "GET " + uri;
        LineStream stream = new LineStream(what, lines);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()), Unpooled.EMPTY_BUFFER);
        request.headers().set(HttpHeaderNames.HOST, uri.getHost() + ":" + port(uri))
                .set(HttpHeaderNames.ACCEPT, sse ? "text/event-stream" : "application/x-ndjson");
        token.ifPresent(value -> request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + value));
        ChannelFuture connecting = connect(uri, source, stream.opened(), new HttpClientCodec(), stream);
        connecting.addListener(connected -> {
            if (connected.isSuccess()) {
                connecting.channel().writeAndFlush(request);
            } else {
                request.release(); // and opened has failed: see connect
            }
        });
        awaitOpen(stream.opened(), connecting.channel(), what);
        return stream;
    }

    /**
     * Connects to {@code uri}'s host through {@code handlers} (after TLS for {@code wss:} and {@code https:}); a
     * connection that fails fails {@code opened}, since it never becomes active and so never inactive either.
     */
    private ChannelFuture connect(URI uri, Optional<InetAddress> source, CompletableFuture<?> opened, ChannelHandler... handlers)
            throws IOException {
        SslContext tls = secure(uri) ? tls() : null;
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (tls != null) {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc(), uri.getHost(), port(uri)));
                        }
                        channel.pipeline().addLast(handlers);
                    }
                });
        InetSocketAddress remote = new InetSocketAddress(uri.getHost(), port(uri));
        ChannelFuture connecting = source.isPresent() ? bootstrap.connect(remote, new InetSocketAddress(source.get(), 0))
                : bootstrap.connect(remote);
        connecting.addListener(connected -> {
            if (!connected.isSuccess()) {
                opened.completeExceptionally(connected.cause());
            }
        });
        return connecting;
    }

    private static boolean secure(URI uri) {
        return uri.getScheme().equals("wss") || uri.getScheme().equals("https");
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : secure(uri) ? 443 : 80;
    }

    /** The client TLS context, made once for every secure connection (the JDK's trust store). */
    private synchronized SslContext tls() throws IOException {
        if (tls == null) {
            tls = SslContextBuilder.forClient().build();
        }
        return tls;
    }

    /** Waits 15 s at most for {@code opened}; the channel is closed when it fails. */
    private static void awaitOpen(CompletableFuture<Void> opened, Channel channel, String what)
            throws IOException, InterruptedException {
        try {
            opened.get(15, TimeUnit.SECONDS);
        } catch (ExecutionException failure) {
            channel.close();
            if (failure.getCause() instanceof WebSocketClientHandshakeException refused) {
                throw new SimHttp.Refused(what, refused.response() == null ? 0 : refused.response().status().code(), "");
            }
            if (failure.getCause() instanceof SimHttp.Refused refused) {
                throw refused;
            }
            throw new IOException(what + ": " + failure.getCause().getMessage(), failure.getCause());
        } catch (TimeoutException slow) {
            channel.close();
            throw new IOException(what + ": not open within 15 s");
        } catch (InterruptedException stop) {
            channel.close();
            throw stop;
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
