package io.natrix;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a durable listener reads from and how it treats failures. Events published with
 * {@link Natrix#publishDurable} are stored in a JetStream stream before the publisher gets its answer; the
 * listener's durable consumer hands each one to one instance of the service, which acknowledges it only once
 * its handler returned. A handler that throws gets the event again after a backoff; after
 * {@link #maxAttempts(int)} attempts the event goes to the dead-letter subject (stored too) and the listener
 * moves on. An instance that dies holding an event loses nothing: the event is redelivered after
 * {@link #ackWait(Duration)}.
 *
 * <pre>{@code
 * natrix.service("billing").version("1.0.0")
 *       .durableListener(Durable.stream("RIDES_DONE", "ms.rides.completed").replicas(3), RideCompleted.class,
 *               billing::charge)
 *       .start();
 * }</pre>
 */
public final class Durable {

    private final String stream;
    private final String subject;
    private final int replicas;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Duration ackWait;
    private final String consumerName;

    private Durable(String stream, String subject, int replicas, int maxAttempts, Duration firstBackoff,
                    Duration maxBackoff, Duration ackWait, String consumerName) {
        this.stream = stream;
        this.subject = subject;
        this.replicas = replicas;
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.ackWait = ackWait;
        this.consumerName = consumerName;
    }

    /**
     * Events on {@code subject}, kept in the JetStream stream {@code stream} (created on first use with this
     * subject, file storage and a 2-minute de-duplication window, if it does not exist yet).
     */
    public static Durable stream(String stream, String subject) {
        return new Durable(Wire.requireName("stream", stream), Objects.requireNonNull(subject, "subject"), 1, 5,
                Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(30), null);
    }

    /** Copies of the stream (and its dead letters) on the cluster's servers, when this creates it: 1, 3 or 5. */
    public Durable replicas(int replicas) {
        if (replicas != 1 && replicas != 3 && replicas != 5) {
            throw new IllegalArgumentException("replicas must be 1, 3 or 5, got " + replicas);
        }
        return new Durable(stream, subject, replicas, maxAttempts, firstBackoff, maxBackoff, ackWait, consumerName);
    }

    /** How many times an event is handed to the handler before it is dead-lettered; default 5. */
    public Durable maxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        return new Durable(stream, subject, replicas, maxAttempts, firstBackoff, maxBackoff, ackWait, consumerName);
    }

    /** The wait before the second attempt, doubling up to {@code max}; defaults 200 ms and 10 s. */
    public Durable backoff(Duration first, Duration max) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, got " + first + " and " + max);
        }
        return new Durable(stream, subject, replicas, maxAttempts, first, max, ackWait, consumerName);
    }

    /** How long an unacknowledged event waits before another instance gets it; default 30 s. */
    public Durable ackWait(Duration ackWait) {
        if (ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("ackWait must be at least 1 s, got " + ackWait);
        }
        return new Durable(stream, subject, replicas, maxAttempts, firstBackoff, maxBackoff, ackWait, consumerName);
    }

    /** The durable consumer's name; by default {@code <service>-<stream>}. Instances sharing it share the work. */
    public Durable consumerName(String consumerName) {
        return new Durable(stream, subject, replicas, maxAttempts, firstBackoff, maxBackoff, ackWait,
                Wire.requireName("consumerName", consumerName));
    }

    String streamName() {
        return stream;
    }

    String subject() {
        return subject;
    }

    int replicaCount() {
        return replicas;
    }

    int attempts() {
        return maxAttempts;
    }

    Duration ackWaitTime() {
        return ackWait;
    }

    Optional<String> consumer() {
        return Optional.ofNullable(consumerName);
    }

    /** The wait after failed attempt {@code n} (1-based): {@code min(max, first · 2^(n-1))}. */
    Duration backoffAfter(long n) {
        long nanos = firstBackoff.toNanos() << Math.min(Math.max(0, n - 1), 20);
        return nanos <= 0 || nanos > maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos(nanos);
    }

    /** Where events go after their last failed attempt: {@code dlq.<stream>.<consumer>}, kept in {@code <stream>_DLQ}. */
    static String deadLetterSubject(String stream, String consumer) {
        return "dlq." + stream + "." + consumer;
    }
}
