package io.natrix;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one call behaves when things go wrong: its total time budget, whether it is idempotent, how often to
 * retry and how long to back off, and whether to hedge. Immutable; each method returns a changed copy.
 *
 * <pre>{@code
 * CallOptions getUser = CallOptions.timeout(Duration.ofSeconds(2)).idempotent().retries(2).hedgeAtP95();
 * User user = natrix.call("ms.users.GetUser", new GetUser("42"), User.class, getUser);
 * }</pre>
 *
 * <p><b>What is retried.</b> A failure that is {@link NatrixException#retryable() retryable}, when either the
 * request did not run or the call is declared {@link #idempotent()}. A request nobody received is always safe
 * to send again: no instance was running ({@link NoRespondersException}) or the instance refused it before any
 * work ({@link OverloadedException}). A request that may have run (a timeout, a connection lost while it was
 * out, a 503 or 504 from a dependency behind it) is sent again only when the call is idempotent. Other error
 * answers are never retried, nor is an open circuit (it would fail again at once). Every attempt and every
 * pause fits in the timeout: the deadline never moves.
 *
 * <p><b>Backoff.</b> Exponential with full jitter: before retry n, a random pause between zero and
 * {@code min(maxBackoff, firstBackoff · 2^(n-1))}, so that many callers retrying at once spread out.
 *
 * <p><b>Hedging.</b> For idempotent calls only: when the first copy has no answer after the hedge delay, a
 * second copy goes out (the queue group usually hands it to another instance) and the first answer wins.
 * {@link #hedgeAtP95()} waits for the subject's recent 95th percentile, so about one call in twenty is hedged.
 */
public final class CallOptions {

    private static final CallOptions DEFAULTS = new CallOptions(null, false, 0, Duration.ofMillis(20),
            Duration.ofSeconds(1), null, false);

    private final Duration timeout;
    private final boolean idempotent;
    private final int retries;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Duration hedgeAfter;
    private final boolean hedgeAtP95;

    private CallOptions(Duration timeout, boolean idempotent, int retries, Duration firstBackoff, Duration maxBackoff,
                        Duration hedgeAfter, boolean hedgeAtP95) {
        this.timeout = timeout;
        this.idempotent = idempotent;
        this.retries = retries;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.hedgeAfter = hedgeAfter;
        this.hedgeAtP95 = hedgeAtP95;
    }

    /** One attempt, the connection's default timeout, no hedging. */
    public static CallOptions defaults() {
        return DEFAULTS;
    }

    /** The defaults with this total time budget. */
    public static CallOptions timeout(Duration timeout) {
        return DEFAULTS.withTimeout(timeout);
    }

    /** The total time budget for every attempt and pause together. */
    public CallOptions withTimeout(Duration timeout) {
        return new CallOptions(positive("timeout", timeout), idempotent, retries, firstBackoff, maxBackoff, hedgeAfter, hedgeAtP95);
    }

    /** Declares that doing the request twice has the same effect as once: it may be retried after a timeout, and hedged. */
    public CallOptions idempotent() {
        return new CallOptions(timeout, true, retries, firstBackoff, maxBackoff, hedgeAfter, hedgeAtP95);
    }

    /** At most this many attempts after the first (see the class description for which failures qualify). */
    public CallOptions retries(int retries) {
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("retries must be between 0 and 10, got " + retries);
        }
        return new CallOptions(timeout, idempotent, retries, firstBackoff, maxBackoff, hedgeAfter, hedgeAtP95);
    }

    /** The backoff before the first retry and the most it grows to; defaults 20 ms and 1 s. */
    public CallOptions backoff(Duration first, Duration max) {
        positive("first backoff", first);
        if (positive("max backoff", max).compareTo(first) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " is below the first backoff " + first);
        }
        return new CallOptions(timeout, idempotent, retries, first, max, hedgeAfter, hedgeAtP95);
    }

    /** Sends a second copy when the first has no answer after {@code delay}. Needs {@link #idempotent()}. */
    public CallOptions hedgeAfter(Duration delay) {
        return new CallOptions(timeout, idempotent, retries, firstBackoff, maxBackoff, positive("hedge delay", delay), false);
    }

    /**
     * Sends a second copy when the first has no answer after the subject's recent 95th-percentile latency (of
     * this connection's hedged calls; no hedge until 20 have succeeded). Needs {@link #idempotent()}.
     */
    public CallOptions hedgeAtP95() {
        return new CallOptions(timeout, idempotent, retries, firstBackoff, maxBackoff, null, true);
    }

    Optional<Duration> totalTimeout() {
        return Optional.ofNullable(timeout);
    }

    boolean isIdempotent() {
        return idempotent;
    }

    int maxRetries() {
        return retries;
    }

    boolean hedged() {
        return hedgeAfter != null || hedgeAtP95;
    }

    Optional<Duration> fixedHedgeDelay() {
        return Optional.ofNullable(hedgeAfter);
    }

    /** The longest pause before retry {@code n} (1-based): {@code min(max, first · 2^(n-1))}. */
    Duration backoffCeiling(int n) {
        long nanos = firstBackoff.toNanos() << Math.min(n - 1, 20);
        return nanos <= 0 || nanos > maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos(nanos);
    }

    private static Duration positive(String what, Duration duration) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + duration);
        }
        return duration;
    }

    @Override
    public String toString() {
        return "CallOptions[timeout=" + (timeout == null ? "default" : timeout.toMillis() + " ms") + ", idempotent=" + idempotent
                + ", retries=" + retries + ", backoff=" + firstBackoff.toMillis() + ".." + maxBackoff.toMillis() + " ms, hedge="
                + (hedgeAfter != null ? hedgeAfter.toMillis() + " ms" : hedgeAtP95 ? "p95" : "off") + "]";
    }
}
