package io.natrix;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one listener on a dispatcher of its own, so its events are handled one at a time and in order, on a
 * virtual thread. If the listener falls behind, jnats drops events past its pending limit and reports a slow
 * consumer; the listener is counted, logged and keeps going, and other listeners are not held up.
 */
final class ListenerRunner<E> {

    private static final System.Logger LOG = System.getLogger(Service.class.getName());

    private final ListenerSpec<E> spec;
    private final JsonCodec codec;
    private final Connection connection;
    private final Dispatcher dispatcher;
    private final String service;
    private final String instance;
    private final Observers observers;
    private final LongAdder handled = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile String lastError;

    ListenerRunner(Connection connection, JsonCodec codec, String service, String instance, Observers observers,
                   int backlog, ListenerSpec<E> spec) {
        this.spec = spec;
        this.service = service;
        this.instance = instance;
        this.observers = observers;
        this.codec = codec;
        this.connection = connection;
        this.dispatcher = connection.createDispatcher(this::onEvent);
        dispatcher.setPendingLimits(backlog, -1);
        if (spec.balanced()) {
            dispatcher.subscribe(spec.subject(), service);
        } else {
            dispatcher.subscribe(spec.subject());
        }
    }

    private void onEvent(Message message) {
        observers.listen(message, service, instance, spec.subject(), () -> handle(message));
    }

    /** Handles one event; returns null, or what went wrong. */
    private String handle(Message message) {
        try {
            spec.listener().on(codec.decode(message.getData(), spec.eventType()));
            return null;
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            errors.increment();
            if (e instanceof JsonCodec.MalformedJsonException malformed) {
                lastError = malformed.getMessage(); // the sender's mistake: its words are the whole story
                LOG.log(Level.WARNING, "listener on " + spec.subject() + " dropped an event: " + lastError);
            } else {
                lastError = e.toString();
                LOG.log(Level.WARNING, "listener on " + spec.subject() + " failed; it goes on with the next event", e);
            }
            return lastError;
        } finally {
            handled.increment();
        }
    }

    /** Stops interest, handles the events already received, then completes. */
    CompletableFuture<Boolean> drain(Duration timeout) throws InterruptedException {
        return dispatcher.drain(timeout);
    }

    /** Stops at once, without handling what is pending: the service never started. */
    void stop() {
        connection.closeDispatcher(dispatcher);
    }

    ListenerStats stats() {
        return new ListenerStats(spec.subject(), spec.balanced(), handled.sum(), errors.sum(),
                dispatcher.getDroppedCount(), dispatcher.getPendingMessageCount(), Optional.ofNullable(lastError));
    }
}
