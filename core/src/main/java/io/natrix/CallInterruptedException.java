package io.natrix;

/**
 * The thread waiting for a reply was interrupted. The interrupt flag is set again before this is thrown, so
 * code further up still sees it.
 */
public final class CallInterruptedException extends NatrixException {

    CallInterruptedException(String subject, InterruptedException cause) {
        super(subject, "interrupted while waiting for a reply on '" + subject + "'", cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
