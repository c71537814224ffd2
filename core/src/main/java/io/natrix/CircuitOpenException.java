package io.natrix;

import java.time.Duration;

/**
 * Recent calls on this subject mostly found nobody to answer (no instance), or went unanswered (timeouts while
 * it answered nothing at all), so this connection fails them at once for a while instead of waiting on a dead
 * dependency. After {@link #retryAfter()} a few probe calls go through; while they run, other calls still fail
 * fast; if they succeed, the circuit closes.
 */
public final class CircuitOpenException extends NatrixException {

    private final Duration retryAfter;

    /**
     * {@code unanswered}: the calls that opened it timed out while the subject answered nothing, rather than
     * finding no responder at all.
     */
    CircuitOpenException(String subject, boolean probing, float failureRatePercent, Duration retryAfter,
                         boolean unanswered) {
        super(subject, probing
                ? String.format("'%s' is failing fast while a few probe calls find out whether it is back; trying again"
                + " in about %d ms", subject, retryAfter.toMillis())
                : String.format("'%s' is failing fast: %s of its recent calls %s; trying again in about %d ms", subject,
                failureRatePercent < 0 ? "most" : String.format("%.0f%%", failureRatePercent),
                unanswered ? "went unanswered (nothing it was asked was answered lately)" : "found nobody to answer",
                retryAfter.toMillis()), null);
        this.retryAfter = retryAfter;
    }

    /** About how long until calls on the subject are let through again. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public boolean retryable() {
        return true;
    }

    /** Nothing ran: the request was never sent. */
    @Override
    boolean mayHaveRun() {
        return false;
    }
}
