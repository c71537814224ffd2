package io.natrix;

import java.util.Optional;

/**
 * Why a call, a publish or a service operation did not succeed.
 *
 * <p>The hierarchy is sealed so that a caller can handle every case with a {@code switch}: no instance was
 * running ({@link NoRespondersException}), no answer came in time ({@link CallTimeoutException}), the service
 * answered with an error ({@link ServiceException}), the service refused because it was full
 * ({@link OverloadedException}), the connection is not usable ({@link ConnectionException}), the subject's
 * circuit breaker is open after repeated failures ({@link CircuitOpenException}) or the waiting thread was
 * interrupted ({@link CallInterruptedException}). Natrix never returns {@code null} to signal a
 * failure.
 */
public abstract sealed class NatrixException extends RuntimeException
        permits NoRespondersException, CallTimeoutException, ServiceException, OverloadedException,
        ConnectionException, CallInterruptedException, CircuitOpenException {

    private final String subject;

    NatrixException(String subject, String message, Throwable cause) {
        super(message, cause);
        this.subject = subject;
    }

    /** The subject of the call or publish that failed, if the failure belongs to one. */
    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    /**
     * Whether sending the same request again may succeed: true for transient conditions (no instance, timeout,
     * overload, unavailable), false for answers that will not change (bad request, not found).
     * Retry only idempotent operations.
     */
    public abstract boolean retryable();
}
