package io.natrix.gateway;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.MessageHandler;
import io.nats.client.Subscription;

import java.util.concurrent.atomic.AtomicInteger;

/** One NATS dispatcher for every subscription stream of a gateway, and a count of what it holds. */
final class SharedSubscriptions {

    private final Connection connection;
    private final Dispatcher dispatcher;
    private final AtomicInteger held = new AtomicInteger();

    SharedSubscriptions(Connection connection) {
        this.connection = connection;
        this.dispatcher = connection.createDispatcher();
    }

    /**
     * The handler must not block: it runs on the dispatcher every stream shares. Throws jnats's
     * {@link IllegalStateException} when it cannot subscribe now (see {@link #subscribeForClient}).
     */
    Subscription subscribe(String subject, MessageHandler handler) {
        Subscription subscription = dispatcher.subscribe(subject, handler);
        held.incrementAndGet();
        return subscription;
    }

    /**
     * {@link #subscribe} for a stream a client is opening: a subscription jnats cannot make now is a 503 the client
     * may retry, not a 500: its output queue full or busy, its writer having fallen behind (seen in a fleet run's
     * cold start, every JVM compiling on two cores), or the dispatcher closed (the gateway stopping).
     */
    Subscription subscribeForClient(String subject, MessageHandler handler) {
        try {
            return subscribe(subject, handler);
        } catch (IllegalStateException notNow) {
            throw HttpProblem.cannotSubscribe(notNow.getMessage());
        }
    }

    /** Ends a stream's subscription; one whose dispatcher already stopped with the gateway has nothing left to end. */
    void unsubscribe(Subscription subscription) {
        try {
            if (subscription.isActive()) {
                dispatcher.unsubscribe(subscription);
            }
        } catch (IllegalStateException dispatcherStopped) {
            // "Dispatcher is closed": the connection drained or closed while the stream was ending (seen in the
            // gateways' logs at the end of fleet runs, from streams and shared pollers alike)
        } finally {
            held.decrementAndGet();
        }
    }

    int count() {
        return held.get();
    }

    /** Closes the dispatcher; again, or after the connection closed, does nothing. */
    void close() {
        if (dispatcher.isActive() && connection.getStatus() != Connection.Status.CLOSED) {
            connection.closeDispatcher(dispatcher);
        }
    }
}
