package io.natrix;

/**
 * No instance of the service was subscribed to the subject. NATS tells the caller at once, so this is raised
 * within a round trip, not after the timeout.
 */
public final class NoRespondersException extends NatrixException {

    NoRespondersException(String subject) {
        super(subject, "no instance is serving '" + subject + "': is the service running?", null);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
