package io.natrix;

/**
 * The instance that received the request already had as many requests in flight as its bound allows, and
 * refused this one at once instead of queueing it. Back off and retry; another instance may have room.
 */
public final class OverloadedException extends NatrixException {

    OverloadedException(String subject, String message) {
        super(subject, message, null);
    }

    /** The code that carries this error on the wire. */
    public int code() {
        return Wire.OVERLOADED;
    }

    @Override
    public boolean retryable() {
        return true;
    }

    /** Nothing ran: the instance refused the request before any work. */
    @Override
    boolean mayHaveRun() {
        return false;
    }
}
