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

    /**
     * Whether the request may have reached a handler that ran it. Only then does sending it again need the call
     * to be idempotent: a request nobody received, or one refused before any work, is safe to send again.
     */
    boolean mayHaveRun() {
        return true;
    }

    /**
     * The one rule for sending a request again within the same call: the failure is {@link #retryable()} and either
     * the request did not run or the call is idempotent. An open circuit is the exception: it is retryable later,
     * but within the call it would fail again at once (the breaker lets calls through only after
     * {@link CircuitOpenException#retryAfter()}), and failing fast is what it is for.
     */
    final boolean mayBeRetried(boolean idempotent) {
        return switch (this) {
            case CircuitOpenException ignored -> false;
            default -> retryable() && (idempotent || !mayHaveRun());
        };
    }
}
