package io.natrix.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's ingest port: the WebSocket form of every publish stream, read on an event loop (Netty, on
 * Linux's epoll where its native transport loads) instead of a virtual thread per socket. A driver's position a
 * second is a small frame on a socket that is otherwise idle; a thread per socket pays, per frame, a read that
 * finds nothing, a re-arm of the JDK's poller and a wake-up (BENCHMARKS.md, issue 15), where a loop reads every
 * socket that is ready in one wake-up. Admission, checks and answers are the gateway port's own
 * ({@link WebSocketRoute}, {@link WebSocketEvents}).
 */
final class IngestServer implements AutoCloseable {

    private static final boolean EPOLL = Epoll.isAvailable();
    /** The upgrade request is a GET without a body; its header section is bounded by the gateway's limit. */
    private static final int MAX_UPGRADE_BODY = 0;

    private final EventLoopGroup group;
    private final Channel server;
    private final ChannelGroup sockets;

    private IngestServer(EventLoopGroup group, Channel server, ChannelGroup sockets) {
        this.group = group;
        this.server = server;
        this.sockets = sockets;
    }

    /**
     * Listens on {@code host:port} (0: a free port) with one event loop per core. A socket that sends nothing
     * for {@code idle} is closed (1001): a vanished client frees its stream slots.
     */
    static IngestServer start(String host, int port, List<WebSocketRoute> routes, int maxHeaderBytes, Duration idle,
                              Responses responses) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("natrix-ingest", true), EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ChannelGroup sockets = new DefaultChannelGroup("ingest sockets", GlobalEventExecutor.INSTANCE);
        ServerBootstrap bootstrap = new ServerBootstrap().group(group)
                .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        sockets.add(channel);
                        channel.pipeline().addLast(
                                new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(maxHeaderBytes)
                                        .setMaxHeaderSize(maxHeaderBytes)),
                                new HttpObjectAggregator(MAX_UPGRADE_BODY),
                                new IdleStateHandler(idle.toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                                new IngestSocket(routes, responses));
                    }
                });
        ChannelFuture bound = bootstrap.bind(new InetSocketAddress(host, port)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Throwable cause = bound.cause();
            throw new UncheckedIOException("the gateway's ingest port " + host + ":" + port + " cannot be bound: "
                    + cause.getMessage(), cause instanceof IOException io ? io : new IOException(cause));
        }
        return new IngestServer(group, bound.channel(), sockets);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Stops accepting, closes every socket (1001, going away) and stops the loops. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        sockets.forEach(IngestSocket::goingAway);
        sockets.newCloseFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
