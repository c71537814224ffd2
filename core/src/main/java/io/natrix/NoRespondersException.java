package io.natrix;

/**
 * No instance of the service was subscribed to the subject. NATS tells the caller at once, so this is raised
 * within a round trip, not after the timeout.
 */
public final class NoRespondersException extends NatrixException {

    NoRespondersException(String subject) {
        this(subject, "no instance is serving '" + subject + "': is the service running?");
    }

    NoRespondersException(String subject, String message) {
        super(subject, message, null);
    }

    @Override
    public boolean retryable() {
        return true;
    }

    /** Nothing ran: no instance received the request. */
    @Override
    boolean mayHaveRun() {
        return false;
    }
}
