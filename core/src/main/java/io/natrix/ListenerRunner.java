package io.natrix;

import io.nats.client.Message;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one listener: its events are handled one at a time and in order, on a virtual thread of its own. The
 * connection's reader thread hands each event to the listener's {@link Mailbox} as it is read. If the listener
 * falls behind its backlog, later events are dropped, counted and logged (a slow consumer), and the listener
 * keeps going without holding up the others. A
 * listener that never drops has no backlog limit; one declared non-blocking runs on the reader thread while
 * nothing is queued, but for a cool-off after events took it longer than {@link ListenerOptions#NON_BLOCKING_LIMIT}
 * too often ({@link ReaderThreadWord}).
 */
final class ListenerRunner<E> {

    private static final System.Logger LOG = System.getLogger(Service.class.getName());

    private final ListenerSpec<E> spec;
    private final JsonCodec codec;
    private final String service;
    private final String instance;
    private final Observers observers;
    private final int limit; // 0: none
    private final Mailbox<Message> mailbox;
    private final LongAdder handled = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final CoreConnection.Subscription subscription;
    private volatile String lastError;
    private volatile boolean accepting = true;
    private final boolean nonBlocking;
    /** Read and written on the reader thread only. */
    private boolean slow;
    private final ReaderThreadWord word;

    ListenerRunner(CoreConnection connection, JsonCodec codec, String service, String instance, Observers observers,
                   int backlog, ListenerSpec<E> spec) {
        this.spec = spec;
        this.service = service;
        this.instance = instance;
        this.observers = observers;
        this.codec = codec;
        ListenerOptions options = spec.options();
        this.limit = options.dropsNothing() ? 0 : options.backlog().orElse(backlog);
        this.nonBlocking = options.isNonBlocking();
        this.word = new ReaderThreadWord();
        this.mailbox = new Mailbox<>("natrix-listener " + spec.subject(), this::listen);
        try {
            this.subscription = connection.subscribe(spec.subject(), spec.balanced() ? service : null, this::onReaderThread);
        } catch (RuntimeException closed) {
            mailbox.close();
            throw closed;
        }
    }

    /** On the reader thread: handles the event there (non-blocking, nothing queued), queues it, or drops it. */
    private void onReaderThread(Message message) {
        if (!accepting) {
            return;
        }
        int queued = mailbox.waiting();
        if (nonBlocking && queued == 0 && word.onReader()) { // nothing queued, so nothing is being handled
            long started = System.nanoTime();
            listen(message);
            long took = System.nanoTime() - started;
            if (word.broken(started, took)) {
                LOG.log(Level.WARNING, word.broke("listener on " + spec.subject(), "events", took, "on its virtual thread"));
            }
            return;
        }
        if (limit > 0 && queued >= limit) {
            dropped.increment();
            if (!slow) {
                slow = true;
                LOG.log(Level.WARNING, "slow consumer: the listener on ''{0}'' has {1} events waiting, its backlog; "
                        + "later events are dropped until it catches up ({2} dropped so far). The service goes on.",
                        spec.subject(), queued, dropped.sum());
            }
            return;
        }
        slow = slow && queued > 0;
        mailbox.put(message);
    }

    private void listen(Message message) {
        observers.listen(message, service, instance, spec.subject(), () -> handle(message));
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

    /** Stops interest, handles the events already received, then completes (false: not all within the timeout). */
    CompletableFuture<Boolean> drain(Duration timeout) {
        CompletableFuture<Boolean> drained = new CompletableFuture<>();
        Thread.ofVirtual().name("natrix-listener-drain " + spec.subject()).start(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                boolean all = subscription.drain(timeout); // every event the server sent is queued once this returns
                accepting = false;
                drained.complete(mailbox.awaitEmpty(deadline) && all);
            } catch (InterruptedException e) {
                drained.complete(false);
            } finally {
                mailbox.close();
            }
        });
        return drained;
    }

    /** Stops at once, without handling what is pending: the service never started. */
    void stop() {
        accepting = false;
        subscription.unsubscribe();
        mailbox.close();
    }

    ListenerStats stats() {
        return new ListenerStats(spec.subject(), spec.balanced(), handled.sum(), errors.sum(),
                dropped.sum(), mailbox.waiting(), Optional.ofNullable(lastError));
    }
}
