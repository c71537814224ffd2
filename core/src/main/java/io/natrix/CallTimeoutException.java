package io.natrix;

import java.time.Duration;

/** A request was sent but no reply arrived within its timeout. */
public final class CallTimeoutException extends NatrixException {

    private final Duration timeout;
    private final Duration waited;

    CallTimeoutException(String subject, Duration timeout, Duration waited) {
        this(subject, timeout, waited, "no reply on '" + subject + "' within " + timeout.toMillis() + " ms (waited "
                + waited.toMillis() + " ms)");
    }

    private CallTimeoutException(String subject, Duration timeout, Duration waited, String message) {
        super(subject, message, null);
        this.timeout = timeout;
        this.waited = waited;
    }

    /** Every attempt of a retried call timed out or failed, and the last one ran out of the call's time. */
    static CallTimeoutException afterAttempts(String subject, Duration timeout, Duration waited, int attempts) {
        return new CallTimeoutException(subject, timeout, waited, "no reply on '" + subject + "' within " + timeout.toMillis()
                + " ms over " + attempts + " attempts (waited " + waited.toMillis() + " ms)");
    }

    /** The request being handled had no time left, so the call on {@code subject} was never sent. */
    static CallTimeoutException deadlinePassed(String subject, Duration timeout) {
        return new CallTimeoutException(subject, timeout, Duration.ZERO, "the call on '" + subject
                + "' was not sent: the deadline of the request being handled has passed");
    }

    /** The time the caller allowed. */
    public Duration timeout() {
        return timeout;
    }

    /** The time the caller actually waited. */
    public Duration waited() {
        return waited;
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
