package io.natrix;

import io.nats.client.Message;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Routes replies back to the callers waiting for them, the way nats.go does: one reply subscription per
 * connection ({@code <inbox prefix><id>.*}), and each reply completes its caller's future on the connection's
 * reader thread as it is read: no thread between the socket and the caller. A request whose time is up
 * completes with a {@link TimeoutException} ({@link CallTimeouts}), so its caller waits without a timer.
 */
final class ReplyRouter {

    private final CoreConnection connection;
    private final CallTimeouts timeouts;
    private final String prefix;
    private final ConcurrentHashMap<String, Pending> waiting = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    ReplyRouter(CoreConnection connection, CallTimeouts timeouts) {
        this.connection = connection;
        this.timeouts = timeouts;
        this.prefix = connection.createInbox() + ".";
        connection.subscribe(prefix + "*", null, this::route);
    }

    /** Requests sent and neither answered nor given up yet. */
    int pending() {
        return waiting.size();
    }

    /**
     * Sends a request; the future completes with the reply (a 503 status message when no one listens), or with a
     * {@link TimeoutException} at {@code deadlineNanos} ({@link System#nanoTime}).
     */
    CompletableFuture<Message> request(String subject, byte[] headers, byte[] body, long deadlineNanos) {
        String token = Long.toString(sequence.incrementAndGet(), 36);
        Pending reply = new Pending(token);
        waiting.put(token, reply);
        reply.timeout = timeouts.at(deadlineNanos, reply::expire);
        try {
            connection.publish(subject, prefix + token, headers, body);
        } catch (RuntimeException e) {
            waiting.remove(token);
            throw e;
        }
        return reply;
    }

    /** On the reader thread: completes the caller's future. Late, duplicate or unknown replies are dropped. */
    private void route(Message message) {
        String subject = message.getSubject();
        if (subject.length() > prefix.length() && subject.startsWith(prefix)) {
            Pending reply = waiting.remove(subject.substring(prefix.length()));
            if (reply != null) {
                reply.timeout.cancel();
                reply.complete(message);
            }
        }
    }

    /** A reply awaited; cancelling it (what a caller does once its time is up) forgets it. */
    private final class Pending extends CompletableFuture<Message> {
        private final String token;
        private volatile CallTimeouts.Timeout timeout;

        Pending(String token) {
            this.token = token;
        }

        /** The call's time is up: forget it, and tell its caller. */
        void expire() {
            waiting.remove(token);
            completeExceptionally(new TimeoutException());
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            waiting.remove(token);
            CallTimeouts.Timeout watched = timeout;
            if (watched != null) {
                watched.cancel();
            }
            return super.cancel(mayInterruptIfRunning);
        }
    }
}
