package io.natrix;

/**
 * The NATS connection could not be made or is closing, draining or closed, so nothing was sent; or it failed
 * while a request was out, so the request may or may not have been received.
 */
public final class ConnectionException extends NatrixException {

    private final boolean inFlight;

    /**
     * A connection that could not be made or used (closed, draining): nothing was sent, and sending again would
     * fail the same way.
     */
    ConnectionException(String subject, String message, Throwable cause) {
        this(subject, message, cause, false);
    }

    private ConnectionException(String subject, String message, Throwable cause, boolean inFlight) {
        super(subject, message, cause);
        this.inFlight = inFlight;
    }

    /** The connection failed while the request was out (a reconnect, a lost server): it may have run. */
    static ConnectionException inFlight(String subject, String message, Throwable cause) {
        return new ConnectionException(subject, message, cause, true);
    }

    /**
     * True when the connection failed while the request was out: the client reconnects, so sending it again may
     * succeed (an idempotent call is retried). False when the connection could not be made or is closed.
     */
    @Override
    public boolean retryable() {
        return inFlight;
    }

    @Override
    boolean mayHaveRun() {
        return inFlight;
    }
}
