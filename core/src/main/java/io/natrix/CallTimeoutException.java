package io.natrix;

import java.time.Duration;

/** A request was sent but no reply arrived within its timeout. */
public final class CallTimeoutException extends NatrixException {

    private final Duration timeout;
    private final Duration waited;

    CallTimeoutException(String subject, Duration timeout, Duration waited) {
        super(subject, "no reply on '" + subject + "' within " + timeout.toMillis() + " ms (waited "
                + waited.toMillis() + " ms)", null);
        this.timeout = timeout;
        this.waited = waited;
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
