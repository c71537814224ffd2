package io.natrix.ride.sim;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * What every long-lived connection of the simulator has, on its event loop ({@link SimSockets}): a moment it
 * opens (or why it did not), a moment it ends and why, and a way to close it at once. A failure closes it;
 * whoever follows the connection learns why from {@link #ended()}.
 *
 * @param <I> what the connection reads, as the handlers before it in the pipeline hand it on
 */
abstract class SimConnection<I> extends SimpleChannelInboundHandler<I> {

    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private volatile Channel channel;
    private volatile String closedWhy;

    /** {@code closedWhy}: what an end that nobody explained means (the gateway closed it, say). */
    SimConnection(String closedWhy) {
        this.closedWhy = closedWhy;
    }

    /** Completes once the connection is open for use, or fails with why it did not. */
    final CompletableFuture<Void> opened() {
        return opened;
    }

    /** Completes with why the connection closed, once it has (closed by {@link #close()} as well). */
    final CompletableFuture<String> ended() {
        return ended;
    }

    /** The channel, once the connection is in a pipeline. */
    final Channel channel() {
        return channel;
    }

    /** Says why the connection is about to end (the next end is explained so). */
    final void closing(String why) {
        closedWhy = why;
    }

    /** Closes the connection at once. */
    final void close() {
        Channel open = channel;
        if (open != null) {
            closedWhy = "closed by the simulator";
            open.close();
        }
    }

    @Override
    public final void handlerAdded(ChannelHandlerContext context) {
        channel = context.channel();
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        closedWhy = cause.toString();
        opened.completeExceptionally(cause);
        context.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        opened.completeExceptionally(new IOException("the connection closed before it opened: " + closedWhy));
        ended.complete(closedWhy);
        super.channelInactive(context);
    }
}
