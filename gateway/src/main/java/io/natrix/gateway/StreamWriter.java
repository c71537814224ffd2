package io.natrix.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes one outbound stream as NDJSON or Server-Sent Events, flushing every message so nothing is buffered. */
final class StreamWriter implements AutoCloseable {

    private static final byte[] SSE_DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SSE_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SSE_HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEWLINE = "\n".getBytes(StandardCharsets.US_ASCII);

    private final boolean sse;
    private final OutputStream out;
    private final IdleWatch.Watch watch;

    private StreamWriter(boolean sse, OutputStream out, IdleWatch.Watch watch) {
        this.sse = sse;
        this.out = out;
        this.watch = watch;
    }

    /** Sends the headers at once, so the client knows the stream is open before the first message. */
    static StreamWriter open(ServerRequest request, ServerResponse response, IdleWatch.Watch watch) throws IOException {
        boolean sse = request.headers().first(HeaderNames.ACCEPT).map(a -> a.contains("text/event-stream")).orElse(false);
        response.header(HeaderNames.CONTENT_TYPE, sse ? "text/event-stream" : "application/x-ndjson");
        response.header(HeaderNames.CACHE_CONTROL, "no-cache");
        StreamWriter writer = new StreamWriter(sse, response.outputStream(), watch);
        writer.heartbeat();
        return writer;
    }

    /** One JSON message: an SSE {@code data:} event, or one NDJSON line. */
    void message(byte[] json) throws IOException {
        if (sse) {
            out.write(SSE_DATA);
            out.write(json);
            out.write(SSE_END);
        } else {
            out.write(json);
            out.write(NEWLINE);
        }
        out.flush();
        watch.progress();
    }

    /** Nothing new: an SSE comment or an empty NDJSON line. Finds a client that went away. */
    void heartbeat() throws IOException {
        out.write(sse ? SSE_HEARTBEAT : NEWLINE);
        out.flush();
        watch.progress();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
