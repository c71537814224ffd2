package io.natrix.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.CallOptions;
import io.natrix.Natrix;
import io.natrix.NatrixException;
import io.natrix.NoRespondersException;
import io.natrix.RequestContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/**
 * One poll's answer as a stream writes it: the service's answer stamped with when it was asked
 * ({@link AskedAt}), or an error line naming the route. Shared by a stream's own polling and a shared poller.
 */
final class PollAnswers {

    /** How long a poll that found nobody to answer waits before it asks again. */
    static final Duration NOBODY_PAUSE = Duration.ofMillis(100);

    private final Natrix natrix;
    private final StreamRoute route;
    private final ObjectMapper json;
    private final CallOptions options;

    PollAnswers(Natrix natrix, StreamRoute route, ObjectMapper json) {
        this.natrix = natrix;
        this.route = route;
        this.json = json;
        // a query asked again and again: safe to retry. It may take two intervals, so a hiccup of a second (a
        // collector, a just-started instance) makes one late answer (askedAt says so) instead of an error and a
        // gap. Not hedged: hedging every poll at the subject's p95 doubled the load whenever the machine
        // hiccuped (measured in ./natrix chaos, RELIABILITY.md)
        this.options = CallOptions.timeout(route.interval().multipliedBy(2)).idempotent().retries(1)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100));
    }

    /** The line to write for one poll, and whether it is an error line (the ask failed). */
    record Answer(byte[] line, boolean failed) {
    }

    /** Asks {@code subject} once (within two intervals) and returns the line to write. */
    byte[] answer(RequestContext perPoll, String subject, byte[] body) throws InterruptedException {
        return poll(perPoll, subject, body).line();
    }

    /** As {@link #answer}, saying whether the line is an error. */
    Answer poll(RequestContext perPoll, String subject, byte[] body) throws InterruptedException {
        long started = System.nanoTime();
        long askedAt = System.currentTimeMillis();
        byte[] answer;
        boolean failed = false;
        try {
            answer = ask(perPoll, subject, body, started);
        } catch (NatrixException failure) {
            failed = true;
            HttpProblem problem = HttpProblem.of(failure, subject, route.method() + " " + route.path());
            try {
                answer = json.writeValueAsBytes(Map.of("error", Map.of("status", problem.status(),
                        "message", problem.getMessage())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Answer(AskedAt.stamp(answer, askedAt), failed);
    }

    /**
     * When nobody answers the subject (no responders: nothing was done), it asks again every
     * {@link #NOBODY_PAUSE} within the poll's window before the failure becomes an error line: the instances of
     * a service connected to a NATS server that just died are subscribed again within milliseconds (measured in
     * {@code ./natrix chaos}), and a rider should not see that moment.
     */
    private byte[] ask(RequestContext perPoll, String subject, byte[] body, long started) throws InterruptedException {
        long window = route.interval().multipliedBy(2).toNanos();
        while (true) {
            try {
                return perPoll.call(() -> natrix.call(subject, body, byte[].class, options));
            } catch (NoRespondersException nobody) {
                long left = window - (System.nanoTime() - started);
                if (left < NOBODY_PAUSE.toNanos() * 2) {
                    throw nobody;
                }
                Thread.sleep(NOBODY_PAUSE);
            }
        }
    }
}
