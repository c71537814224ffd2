package io.natrix.ride.sim;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The drivers' location WebSockets, all on one Netty event loop, and the tick that drives them: every driver is
 * given one of {@value #SLOTS} slots of the second, and each slot's drivers take one step and send their position
 * when its turn comes, on the loop itself. No driver sleeps on a thread of its own between positions and no send
 * waits for the one before: a position costs one frame written to a socket. (The JDK's WebSocket client, which
 * this replaces for positions, drew a random mask per frame from {@code SecureRandom} and waited on a future per
 * send; the simulator is part of what the fleet bench measures, so its cost per driver is the bench's too.)
 */
final class LocationSockets implements AutoCloseable {

    /** The tick's slots: a driver sends at its own moment of the second, so the fleet's positions are spread. */
    static final int SLOTS = 100;

    /** One step of one driver; runs on the event loop and must not block. */
    interface Ticked {
        void tick();
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("sim-locations", true), NioIoHandler.newFactory()); // daemon: never keeps a JVM up
    private final EventLoop loop = group.next();
    private final List<Set<Ticked>> slots = new ArrayList<>();
    private final Consumer<RuntimeException> failed;
    private int nextSlot; // guarded by this
    private long ticks; // the loop's only

    /** {@code failed} hears of a tick that threw (a bug of the simulator's: it must not stop the others). */
    LocationSockets(Consumer<RuntimeException> failed) {
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
     * @throws SimHttp.Refused when the gateway answers the upgrade with another status (401, 503, ...)
     */
    LocationSocket open(URI uri, Optional<String> token, Optional<InetAddress> source, Consumer<String> answers)
            throws IOException, InterruptedException {
        boolean secure = uri.getScheme().equals("wss");
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        HttpHeaders headers = new DefaultHttpHeaders();
        token.ifPresent(value -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + value));
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri)
                .customHeaders(headers).handshakeTimeoutMillis(10_000).handleCloseFrames(false).build();
        SslContext tls = secure ? SslContextBuilder.forClient().build() : null;
        LocationSocket socket = new LocationSocket(answers);
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (tls != null) {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc(), uri.getHost(), port));
                        }
                        channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65_536),
                                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(65_536), socket);
                    }
                });
        InetSocketAddress remote = new InetSocketAddress(uri.getHost(), port);
        ChannelFuture connecting = source.isPresent() ? bootstrap.connect(remote, new InetSocketAddress(source.get(), 0))
                : bootstrap.connect(remote);
        connecting.addListener(connected -> {
            if (!connected.isSuccess()) { // never active, so never inactive either: say it here
                socket.opened().completeExceptionally(connected.cause());
            }
        });
        Channel channel = connecting.channel();
        try {
            return socket.opened().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException failure) {
            channel.close();
            if (failure.getCause() instanceof WebSocketClientHandshakeException refused && refused.response() != null) {
                throw new SimHttp.Refused("WebSocket " + uri, refused.response().status().code(), "");
            }
            throw failure.getCause() instanceof IOException io ? io : new IOException("WebSocket " + uri, failure.getCause());
        } catch (TimeoutException slow) {
            channel.close();
            throw new IOException("WebSocket " + uri + ": not open within 15 s");
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
