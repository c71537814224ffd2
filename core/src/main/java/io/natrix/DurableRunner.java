package io.natrix;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one durable listener: a pull consumer on a JetStream stream, read by one virtual thread per instance,
 * one event at a time. Acknowledges after the handler returns; a failure is negatively acknowledged with a
 * growing delay; the last failed attempt (or an event that is not valid JSON, which no retry would fix) is
 * copied to the dead-letter subject with the reason, then terminated.
 */
final class DurableRunner<E> {

    private static final System.Logger LOG = System.getLogger(Service.class.getName());
    static final String DEAD_LETTER_REASON = "Natrix-Dead-Letter-Reason";
    static final String DEAD_LETTER_ATTEMPTS = "Natrix-Dead-Letter-Attempts";
    static final String ORIGINAL_SUBJECT = "Natrix-Original-Subject";

    private final Connection connection;
    private final JsonCodec codec;
    private final String service;
    private final String instance;
    private final Observers observers;
    private final DurableSpec<E> spec;
    private final String consumerName;
    private final String deadLetters;
    private final IterableConsumer consumer;
    private final Thread loop;
    private final LongAdder handled = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private volatile boolean stopping;
    private volatile String lastError;

    DurableRunner(Connection connection, JsonCodec codec, String service, String instance, Observers observers,
                  DurableSpec<E> spec) {
        this.connection = connection;
        this.codec = codec;
        this.service = service;
        this.instance = instance;
        this.observers = observers;
        this.spec = spec;
        Durable durable = spec.durable();
        this.consumerName = durable.consumer().orElse(service + "-" + durable.streamName());
        this.deadLetters = Durable.deadLetterSubject(durable.streamName(), consumerName);
        this.consumer = setUp(connection, durable);
        this.loop = Thread.ofVirtual().name("natrix-durable-" + consumerName).start(this::run);
    }

    /**
     * Creates the streams if missing and the durable consumer. A cluster that has just started may not have
     * elected its JetStream leader yet and answers nothing for a few seconds: keep asking, up to 20 s.
     */
    private IterableConsumer setUp(Connection connection, Durable durable) {
        long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                JetStreamManagement management = connection.jetStreamManagement(JetStreamDefaults.jetStream());
                ensureStream(management, durable.streamName(), durable.subject(), durable.replicaCount());
                ensureStream(management, durable.streamName() + "_DLQ", deadLetters, durable.replicaCount());
                return connection.getStreamContext(durable.streamName()).createOrUpdateConsumer(
                        ConsumerConfiguration.builder()
                                .durable(consumerName)
                                .filterSubject(durable.subject())
                                .ackPolicy(AckPolicy.Explicit)
                                .ackWait(durable.ackWaitTime())
                                // the server's own limit sits above ours: the listener dead-letters on its last attempt
                                .maxDeliver(durable.attempts() + 1)
                                .build())
                        // pulls expire after 5 s (heartbeats every 2.5 s): when the server holding the consumer dies,
                        // the listener notices and pulls from the new leader within seconds, not jnats's default 30 s
                        .iterate(ConsumeOptions.builder().batchSize(64).expiresIn(5_000).build());
            } catch (IOException | JetStreamApiException e) {
                boolean notReadyYet = e instanceof IOException || ((JetStreamApiException) e).getApiErrorCode() == 10008;
                if (!notReadyYet || System.nanoTime() > giveUp) {
                    throw new ConnectionException(durable.subject(), "cannot set up the durable listener on '" + durable.subject()
                            + "' (stream " + durable.streamName() + "): " + e.getMessage() + "; is JetStream enabled on the server?", e);
                }
                sleepQuietly(Duration.ofMillis(250));
            }
        }
    }

    private static void ensureStream(JetStreamManagement management, String name, String subject, int replicas)
            throws IOException, JetStreamApiException {
        try {
            management.getStreamInfo(name);
        } catch (JetStreamApiException missing) {
            if (missing.getApiErrorCode() != 10059) { // stream not found
                throw missing;
            }
            try {
                management.addStream(StreamConfiguration.builder().name(name).subjects(subject)
                        .storageType(StorageType.File).replicas(replicas).duplicateWindow(Duration.ofMinutes(2)).build());
            } catch (JetStreamApiException raced) {
                management.getStreamInfo(name); // another instance created it first: fine if it exists now
            }
        }
    }

    private void run() {
        while (!stopping) {
            Message message;
            try {
                message = consumer.nextMessage(Duration.ofMillis(250));
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!stopping) {
                    LOG.log(Level.WARNING, "durable listener {0} could not read: {1}; trying again", consumerName, e.getMessage());
                    sleepQuietly(Duration.ofMillis(250));
                }
                continue;
            }
            if (message != null) {
                observers.listen(message, service, instance, spec.durable().subject(), () -> handle(message));
            }
        }
    }

    /** Handles one event; says how it went. */
    private Observers.Handled handle(Message message) {
        long attempt = message.metaData().deliveredCount();
        try {
            spec.listener().on(codec.decode(message.getData(), spec.eventType()));
            message.ack();
            return Observers.Handled.DONE;
        } catch (JsonCodec.MalformedJsonException e) {
            failed(e.getMessage());
            deadLetter(message, attempt, "not a " + spec.eventType().getSimpleName() + ": " + e.getMessage());
            return new Observers.Handled.Failed(e.getMessage());
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failed(e.toString());
            if (attempt >= spec.durable().attempts()) {
                deadLetter(message, attempt, e.toString());
            } else {
                message.nakWithDelay(spec.durable().backoffAfter(attempt));
            }
            return new Observers.Handled.Failed(e.toString());
        } finally {
            handled.increment();
        }
    }

    private void failed(String error) {
        errors.increment();
        lastError = error;
    }

    /** Stores a copy under the dead-letter subject, then tells the server to stop delivering the original. */
    private void deadLetter(Message message, long attempts, String reason) {
        Headers headers = new Headers();
        if (message.getHeaders() != null) {
            message.getHeaders().forEach((name, values) -> headers.put(name, values));
        }
        headers.put(DEAD_LETTER_REASON, reason.length() > 500 ? reason.substring(0, 500) : reason);
        headers.put(DEAD_LETTER_ATTEMPTS, Long.toString(attempts));
        headers.put(ORIGINAL_SUBJECT, message.getSubject());
        try {
            connection.jetStream(JetStreamDefaults.jetStream()).publish(deadLetters, headers, message.getData());
            message.term();
            deadLettered.increment();
            LOG.log(Level.WARNING, "durable listener {0}: event {1} dead-lettered to {2} after {3} attempt(s): {4}",
                    consumerName, message.metaData().streamSequence(), deadLetters, attempts, reason);
        } catch (Exception e) {
            // keep the original: it is redelivered after the ack wait and dead-lettered then
            LOG.log(Level.ERROR, "durable listener {0}: could not dead-letter event {1}: {2}", consumerName,
                    message.metaData().streamSequence(), e.toString());
        }
    }

    /** Stops reading, lets the event in hand finish (within the timeout), then releases the consumer. */
    void stop(Duration timeout) {
        stopping = true;
        consumer.stop();
        try {
            if (!loop.join(timeout)) {
                loop.interrupt();
            }
            consumer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "durable listener {0} closed with {1}", consumerName, e.toString());
        }
    }

    ListenerStats stats() {
        long pending = Optional.ofNullable(consumer.getCachedConsumerInfo()).map(info -> info.getNumPending()).orElse(0L);
        return new ListenerStats(spec.durable().subject(), true, handled.sum(), errors.sum(), deadLettered.sum(), pending,
                Optional.ofNullable(lastError));
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
