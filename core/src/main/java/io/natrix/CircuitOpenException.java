package io.natrix;

import java.time.Duration;

/**
 * Recent calls on this subject mostly failed (no instance, timeouts, unavailable), so this connection fails
 * them at once for a while instead of waiting on a dead dependency. After {@link #retryAfter()} a few calls
 * go through again; if they succeed, the circuit closes.
 */
public final class CircuitOpenException extends NatrixException {

    private final Duration retryAfter;

    CircuitOpenException(String subject, float failureRatePercent, Duration retryAfter) {
        super(subject, String.format("'%s' is failing fast: %.0f%% of its recent calls failed; trying again in about %d ms",
                subject, failureRatePercent, retryAfter.toMillis()), null);
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
}
