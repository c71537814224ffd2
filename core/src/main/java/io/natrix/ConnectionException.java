package io.natrix;

/** The NATS connection could not be made, or is closing, draining or closed, so nothing was sent. */
public final class ConnectionException extends NatrixException {

    ConnectionException(String subject, String message, Throwable cause) {
        super(subject, message, cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
