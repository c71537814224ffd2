package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.stream.Stream;

/**
 * One of an agent's long-lived streams (NDJSON, or SSE), followed as an app follows it. Each message goes to
 * the agent; an {@code {"error":..}} line is counted as an error by its status and never reaches the agent; a
 * stream that fails to open, breaks or ends is counted as lost (unless the gateway said it was closing, or the
 * agent closed it) and opened again after a pause that grows while it keeps failing.
 */
final class FollowedStream implements AutoCloseable {

    /** What the agent does with one message. */
    interface Messages {
        void accept(JsonNode message) throws Exception;
    }

    private final SimHttp http;
    private final String path;
    private final boolean sse;
    private final String name;
    private final SimStats stats;
    private final Messages messages;
    private final Runnable opened;
    private final Runnable ended;
    private volatile boolean closed;
    private volatile Stream<String> current;
    private volatile Thread runner;

    /**
     * {@code name} says whose stream it is in error descriptions ("nearby of rider-7"); {@code opened} and
     * {@code ended} run each time the stream opens and ends (an agent's online count).
     */
    FollowedStream(SimHttp http, String path, boolean sse, String name, SimStats stats, Messages messages,
                   Runnable opened, Runnable ended) {
        this.http = http;
        this.path = path;
        this.sse = sse;
        this.name = name;
        this.stats = stats;
        this.messages = messages;
        this.opened = opened;
        this.ended = ended;
    }

    FollowedStream start() {
        runner = Thread.ofVirtual().name(name).start(this::follow);
        return this;
    }

    private void follow() {
        long pauseMillis = 250;
        while (!closed) {
            boolean open = false;
            boolean gatewayClosing = false;
            try (Stream<String> lines = http.lines(path, sse)) {
                current = lines;
                if (closed) {
                    return;
                }
                open = true;
                opened.run();
                Iterator<String> iterator = lines.iterator();
                while (iterator.hasNext()) {
                    JsonNode message = message(iterator.next());
                    if (message == null) {
                        continue;
                    }
                    pauseMillis = 250; // a stream that delivers is a working one again
                    if (message.has("error")) {
                        stats.errorLine(name, message.get("error"));
                    } else if (message.has("closing")) {
                        gatewayClosing = true;
                    } else {
                        deliver(message);
                    }
                }
                if (!closed && !gatewayClosing) {
                    stats.error("stream lost", name + ": the gateway ended the stream");
                }
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
            try {
                stats.retries.increment();
                Thread.sleep(pauseMillis);
                pauseMillis = Math.min(5_000, pauseMillis * 2);
            } catch (InterruptedException stop) {
                return;
            }
        }
    }

    /** The JSON of a line, or null for a heartbeat or any other line that carries no message. */
    private JsonNode message(String line) {
        String json = sse ? (line.startsWith("data: ") ? line.substring(6) : null) : (line.startsWith("{") ? line : null);
        if (json == null) {
            return null;
        }
        try {
            return SimHttp.JSON.readTree(json);
        } catch (Exception unreadable) {
            stats.error("unreadable line", name + ": " + unreadable.getMessage());
            return null;
        }
    }

    private void deliver(JsonNode message) {
        try {
            messages.accept(message);
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        } catch (Exception failure) {
            stats.error(name, failure);
        }
    }

    /** Stops following: the stream is closed and not opened again; nothing of it counts as lost. */
    @Override
    public void close() {
        closed = true;
        Stream<String> lines = current;
        if (lines != null) {
            lines.close();
        }
        Thread following = runner;
        if (following != null) {
            following.interrupt();
        }
    }
}
