package io.natrix.ride.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One of an agent's long-lived line streams (NDJSON, or SSE) on the simulator's event loop ({@link SimSockets}):
 * each line goes to {@code lines} on the loop as it arrives, so whoever reads them must not block. A status
 * other than 200 fails {@link #opened()} with {@link SimHttp.Refused} and the gateway's words; how the stream
 * ended goes to {@link #ended()}.
 */
final class LineStream extends SimConnection<HttpObject> {

    /** A line longer than this is cut off there (a nearby answer is a few KiB). */
    static final int MAX_LINE_BYTES = 1 << 20;

    private final String what;
    private final Consumer<String> lines;
    private final ByteBuf pending = Unpooled.buffer(1024); // the loop's only: a line not yet ended
    private int refusedStatus; // 0 while the answer is 200
    private final StringBuilder refusedBody = new StringBuilder();

    /** {@code what} names the request in errors: {@code GET http://127.0.0.1:8080/v1/riders/r1/nearby}. */
    LineStream(String what, Consumer<String> lines) {
        super("the connection closed");
        this.what = what;
        this.lines = lines;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, HttpObject message) {
        if (message instanceof HttpResponse response) {
            if (response.status().code() == 200) {
                opened().complete(null);
            } else {
                refusedStatus = response.status().code();
            }
        }
        if (message instanceof HttpContent content) {
            if (refusedStatus != 0) {
                if (refusedBody.length() < 1_000) {
                    refusedBody.append(content.content().toString(StandardCharsets.UTF_8));
                }
            } else {
                split(content.content());
            }
        }
        if (message instanceof LastHttpContent) {
            if (refusedStatus != 0) {
                opened().completeExceptionally(new SimHttp.Refused(what, refusedStatus, refusedBody.toString().strip()));
            } else {
                closing("the gateway ended the stream");
            }
            context.close();
        }
    }

    /** Hands every whole line on; keeps the start of the next one. */
    private void split(ByteBuf bytes) {
        while (bytes.isReadable()) {
            int newline = bytes.indexOf(bytes.readerIndex(), bytes.writerIndex(), (byte) '\n');
            if (newline < 0) {
                int room = MAX_LINE_BYTES - pending.readableBytes();
                pending.writeBytes(bytes, Math.min(room, bytes.readableBytes()));
                bytes.skipBytes(bytes.readableBytes());
                return;
            }
            String line;
            int length = newline - bytes.readerIndex();
            if (pending.isReadable()) {
                pending.writeBytes(bytes, Math.min(length, MAX_LINE_BYTES - pending.readableBytes()));
                line = pending.toString(StandardCharsets.UTF_8);
                pending.clear();
            } else {
                line = bytes.toString(bytes.readerIndex(), length, StandardCharsets.UTF_8);
            }
            bytes.readerIndex(newline + 1);
            lines.accept(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        pending.release();
        super.channelInactive(context);
    }
}
