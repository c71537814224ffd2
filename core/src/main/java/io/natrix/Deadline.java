package io.natrix;

import java.time.Duration;
import java.util.Optional;

/**
 * When a call must end, and the arithmetic on it: what the call is (its subject, which a timeout names), the time
 * it was allowed (which a timeout reports) and the moment it ends, on {@link System#nanoTime()}'s clock.
 *
 * <p>A call made while a request is being handled never gets more time than that request has left: the
 * deadline travels from hop to hop ({@link Wire#TIMEOUT_HEADER}), so a caller that gave up is not worked for.
 */
record Deadline(String subject, Duration allowed, long at) {

    /**
     * {@code timeout} from now, or sooner if the request being handled has less left. A call whose request has no
     * time left fails at once, before anything is sent.
     */
    static Deadline of(String subject, RequestContext context, Duration timeout) {
        Duration allowed = timeout;
        Optional<Duration> remaining = context.remaining();
        if (remaining.isPresent()) {
            if (remaining.get().isNegative() || remaining.get().isZero()) {
                throw CallTimeoutException.deadlinePassed(subject, timeout);
            }
            allowed = remaining.get().compareTo(timeout) < 0 ? remaining.get() : timeout;
        }
        return new Deadline(subject, allowed, System.nanoTime() + allowed.toNanos());
    }

    /**
     * When the call began: a timeout says it waited from here, so the whole time it was given, not from a later
     * moment after the call's own set-up (a breaker, an observer, a first call's class loading).
     */
    long began() {
        return at - allowed.toNanos();
    }

    /** How long the call has waited so far. */
    Duration waited() {
        return Duration.ofNanos(System.nanoTime() - began());
    }

    /** Nanoseconds until the end, zero or less once it has passed. */
    long nanosLeft() {
        return at - System.nanoTime();
    }

    /** The time left; a timeout of the call when none is. */
    Duration left() {
        long left = nanosLeft();
        if (left <= 0) {
            throw timedOut();
        }
        return Duration.ofNanos(left);
    }

    /** What is left of this deadline, as the time allowed to one more attempt; a timeout when nothing is. */
    Deadline rest() {
        return new Deadline(subject, left(), at);
    }

    /** A share of what is left, {@code 1/parts} of it from now: one of several attempts that must all fit. */
    Deadline share(int parts) {
        Duration share = left().dividedBy(parts);
        return new Deadline(subject, share, System.nanoTime() + share.toNanos());
    }

    /** The timeout this call ends in, naming its subject, the time it was allowed and how long it waited. */
    CallTimeoutException timedOut() {
        return new CallTimeoutException(subject, allowed, waited());
    }
}
