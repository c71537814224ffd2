package io.natrix;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs one listener on a dispatcher of its own, so its events are handled one at a time and in order, on a
 * virtual thread. If the listener falls behind, jnats drops events past its pending limit and reports a slow
 * consumer; the listener is counted, logged and keeps going, and other listeners are not held up. A listener
 * that never drops has no pending limit; one declared non-blocking runs on the connection's reader thread as
 * each event is read, until events take it longer than {@link ListenerOptions#NON_BLOCKING_LIMIT} too often.
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
    /** Set once the subscription exists; after that written and read on the reader thread only. */
    private volatile boolean onReader;
    private final ReaderThreadWord word = new ReaderThreadWord();
    private final ReentrantLock oneAtATime = new ReentrantLock();

    ListenerRunner(Connection connection, JsonCodec codec, String service, String instance, Observers observers,
                   int backlog, ListenerSpec<E> spec) {
        this.spec = spec;
        this.service = service;
        this.instance = instance;
        this.observers = observers;
        this.codec = codec;
        this.connection = connection;
        this.dispatcher = connection.createDispatcher(); // its one subscription names the handler
        ListenerOptions options = spec.options();
        if (options.dropsNothing()) {
            dispatcher.setPendingLimits(-1, -1);
        } else {
            dispatcher.setPendingLimits(options.backlog().orElse(backlog), -1);
        }
        Subscription subscription = spec.balanced() ? dispatcher.subscribe(spec.subject(), service, this::onEvent)
                : dispatcher.subscribe(spec.subject(), this::onEvent);
        if (options.isNonBlocking()) {
            onReader = ReaderHook.take(subscription, this::onReaderThread);
        }
    }

    private void onEvent(Message message) {
        if (!spec.options().isNonBlocking()) { // jnats's dispatcher hands its events over one at a time
            listen(message);
            return;
        }
        oneAtATime.lock(); // uncontended but for the moment a non-blocking listener moves between threads
        try {
            listen(message);
        } finally {
            oneAtATime.unlock();
        }
    }

    private void listen(Message message) {
        observers.listen(message, service, instance, spec.subject(), () -> handle(message));
    }

    /**
     * On the reader thread: handles the event there while the listener keeps to its word, else queues it (and
     * every later one) for the dispatcher. Only this thread decides, so no event is handled beside another.
     */
    private boolean onReaderThread(Message message) {
        if (!onReader || dispatcher.getPendingMessageCount() > 0) {
            return false; // events queued before the hook was set go first, in order, on the dispatcher
        }
        long started = System.nanoTime();
        onEvent(message);
        long took = System.nanoTime() - started;
        if (word.broken(started, took)) {
            onReader = false;
            LOG.log(Level.WARNING, word.broke("listener on " + spec.subject(), "events", took, "on its virtual thread"));
        }
        return true;
    }

    /** Handles one event; says how it went. */
    private Observers.Handled handle(Message message) {
        try {
            spec.listener().on(codec.decode(message.getData(), spec.eventType()));
            return Observers.Handled.DONE;
        } catch (Throwable e) {
            if (e instanceof InterruptedException && Thread.currentThread().isVirtual()) {
                Thread.currentThread().interrupt(); // never on the connection's reader thread
            }
            errors.increment();
            if (e instanceof JsonCodec.MalformedJsonException malformed) {
                lastError = malformed.getMessage(); // the sender's mistake: its words are the whole story
                LOG.log(Level.WARNING, "listener on " + spec.subject() + " dropped an event: " + lastError);
            } else {
                lastError = e.toString();
                LOG.log(Level.WARNING, "listener on " + spec.subject() + " failed; it goes on with the next event", e);
            }
            return new Observers.Handled.Failed(lastError);
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
