package io.natrix.ride.sim;

/**
 * One of an agent's long-lived streams (NDJSON, or SSE), followed as an app follows it. Each message goes to
 * the agent; an {@code {"error":..}} line is counted as an error by its status and never reaches the agent; a
 * stream that fails to open, breaks or ends is counted as lost (unless the gateway said it was closing, or the
 * agent closed it) and opened again after a pause that grows while it keeps failing.
 */
final class FollowedStream<T> implements AutoCloseable {

    /** What the agent does with one message. */
    interface Messages<T> {
        void accept(T message) throws Exception;
    }

    private final SimHttp http;
    private final String path;
    private final boolean sse;
    private final String name;
    private final SimStats stats;
    private final StreamLine.Reader<T> reader;
    private final Messages<T> messages;
    private final Runnable opened;
    private final Runnable ended;
    private volatile boolean closed;
    private volatile boolean gatewayClosing; // the gateway said so on the stream open now
    private volatile boolean delivered; // the stream open now delivered a message
    private volatile LineStream current;
    private volatile Thread runner;

    /**
     * {@code name} says whose stream it is in error descriptions ("nearby of rider-7"); {@code opened} and
     * {@code ended} run each time the stream opens and ends (an agent's online count). Messages reach
     * {@code messages} on the simulator's event loop, as they are read: it must not block.
     */
    FollowedStream(SimHttp http, String path, boolean sse, String name, SimStats stats, StreamLine.Reader<T> reader,
                   Messages<T> messages, Runnable opened, Runnable ended) {
        this.reader = reader;
        this.http = http;
        this.path = path;
        this.sse = sse;
        this.name = name;
        this.stats = stats;
        this.messages = messages;
        this.opened = opened;
        this.ended = ended;
    }

    FollowedStream<T> start() {
        runner = Thread.ofVirtual().name(name).start(this::follow);
        return this;
    }

    /** Opens the stream, waits for it to end, counts how, and opens it again after a pause, until closed. */
    private void follow() {
        long pauseMillis = 250;
        while (!closed) {
            boolean open = false;
            gatewayClosing = false;
            delivered = false;
            try {
                LineStream stream = http.lines(path, sse, this::read);
                current = stream;
                if (closed) {
                    stream.close();
                    return;
                }
                open = true;
                opened.run();
                String why = stream.ended().get();
                if (!closed && !gatewayClosing) {
                    stats.error("stream lost", name + ": " + why);
                }
            } catch (InterruptedException stop) {
                if (current != null) {
                    current.close();
                }
                return;
            } catch (Exception failure) {
                if (closed) {
                    return;
                }
                if (open) {
                    stats.error("stream lost", name + ": " + failure);
                } else {
                    stats.error(name + " (opening the stream)", failure);
                }
            } finally {
                if (open) {
                    ended.run();
                }
            }
            if (delivered) {
                pauseMillis = 250; // a stream that delivered is a working one again
            }
            try {
                stats.retries.increment();
                Thread.sleep(pauseMillis);
                pauseMillis = Math.min(5_000, pauseMillis * 2);
            } catch (InterruptedException stop) {
                return;
            }
        }
    }

    /** One line, on the event loop: an error line, the gateway's closing notice, or a message for the agent. */
    private void read(String text) {
        StreamLine<T> line = line(text);
        if (line == null) {
            return;
        }
        delivered = true;
        switch (line) {
            case StreamLine.Failed<T> failed -> stats.errorLine(name, failed.error());
            case StreamLine.Closing<T> _ -> gatewayClosing = true;
            case StreamLine.Message<T> message -> deliver(message.value());
        }
    }

    /** A line read, or null for a heartbeat or any other line that carries no message. */
    private StreamLine<T> line(String line) {
        String json = sse ? (line.startsWith("data: ") ? line.substring(6) : null) : (line.startsWith("{") ? line : null);
        if (json == null) {
            return null;
        }
        try {
            return reader.read(json);
        } catch (Exception unreadable) {
            stats.error("unreadable line", name + ": " + unreadable.getMessage());
            return null;
        }
    }

    private void deliver(T message) {
        try {
            messages.accept(message);
        } catch (Exception failure) { // the event loop's thread: never interrupted, never left
            stats.error(name, failure);
        }
    }

    /** Stops following: the stream is closed and not opened again; nothing of it counts as lost. */
    @Override
    public void close() {
        closed = true;
        LineStream stream = current;
        if (stream != null) {
            stream.close();
        }
        Thread following = runner;
        if (following != null) {
            following.interrupt();
        }
    }
}
