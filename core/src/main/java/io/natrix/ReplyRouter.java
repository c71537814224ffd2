package io.natrix;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Routes replies back to the callers waiting for them, the way nats.go does: one reply subscription per
 * connection ({@code _INBOX.<id>.*}), and each reply completes its caller's future on jnats's socket reader
 * thread as it is read ({@link ReaderHook}). jnats's own {@code requestWithTimeout} queues every reply for a
 * dispatcher thread that then completes the future: one more thread hand-off per round trip. Without the
 * hook, requests go through {@code requestWithTimeout}.
 */
final class ReplyRouter {

    private final Connection connection;
    private final String prefix;
    private final ConcurrentHashMap<String, Pending> waiting = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final boolean direct;

    ReplyRouter(Connection connection) {
        this.connection = connection;
        this.prefix = connection.createInbox() + ".";
        this.direct = ReaderHook.available() && ReaderHook.take(connection.subscribe(prefix + "*"), this::route);
    }

    /** Whether replies are completed as they are read (true), or through jnats's own request path. */
    boolean direct() {
        return direct;
    }

    /** Requests sent and neither answered nor given up yet. */
    int pending() {
        return waiting.size();
    }

    /** Sends a request; the future completes with the reply (a 503 status message when no one listens). */
    CompletableFuture<Message> request(String subject, Headers headers, byte[] body, Duration timeout) {
        if (!direct) {
            return connection.requestWithTimeout(subject, headers, body, timeout);
        }
        String token = Long.toString(sequence.incrementAndGet(), 36);
        Pending reply = new Pending(token);
        waiting.put(token, reply);
        try {
            connection.publish(subject, prefix + token, headers, body);
        } catch (RuntimeException e) {
            waiting.remove(token);
            throw e;
        }
        return reply;
    }

    /** On the reader thread: completes the caller's future. Late, duplicate or unknown replies are dropped. */
    private boolean route(Message message) {
        String subject = message.getSubject();
        if (subject.length() > prefix.length() && subject.startsWith(prefix)) {
            Pending reply = waiting.remove(subject.substring(prefix.length()));
            if (reply != null) {
                reply.complete(message);
            }
        }
        return true;
    }

    /** A reply awaited; cancelling it (what a caller does once its time is up) forgets it. */
    private final class Pending extends CompletableFuture<Message> {
        private final String token;

        Pending(String token) {
            this.token = token;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            waiting.remove(token);
            return super.cancel(mayInterruptIfRunning);
        }
    }
}
