package io.natrix;

import io.natrix.spi.Hop;
import io.natrix.spi.HopObserver;
import io.nats.client.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The calling side, in one pass: a call is a hop the observers see; within one deadline it makes attempts,
 * retried as {@link NatrixException#mayBeRetried} says, each through the subject's circuit breaker and either
 * sent once or hedged ({@link Race}); {@link Exchange} sends each request and reads its reply.
 */
final class Caller {

    private final CoreConnection connection;
    private final Exchange exchange;
    private final JsonCodec codec;
    private final CircuitBreakers breakers;
    private final Observers observers;
    private final SubjectLatencies latencies = new SubjectLatencies();

    Caller(CoreConnection connection, Exchange exchange, JsonCodec codec, CircuitBreakers breakers, Observers observers) {
        this.connection = connection;
        this.exchange = exchange;
        this.codec = codec;
        this.breakers = breakers;
        this.observers = observers;
    }

    CircuitState circuitState(String subject) {
        return breakers.state(subject);
    }

    /** A call with retries, backoff and hedging as {@code options} say, all within one deadline. */
    <R> R call(String subject, Object request, Class<R> replyType, CallOptions options, Duration defaultTimeout) {
        if (options.hedged() && !options.isIdempotent()) {
            throw new IllegalArgumentException("hedging sends a request twice: declare the call idempotent() to hedge it");
        }
        Duration timeout = options.totalTimeout().orElse(defaultTimeout);
        requirePositive(timeout);
        byte[] body = codec.encode(request);
        return observers.around(Hop.Kind.CALL, subject, (context, scope) -> withRetries(
                new Call<>(subject, body, replyType, context), options, Deadline.of(subject, context, timeout), scope));
    }

    private <R> R withRetries(Call<R> call, CallOptions options, Deadline total, HopObserver.Scope scope) {
        for (int attempt = 1; ; attempt++) {
            int attemptsLeft = options.maxRetries() - attempt + 2;
            try {
                // when a timeout may be retried, each attempt gets its share of what is left, so a retry has time
                // too; no time left is a timeout of the whole call, said as one
                Deadline deadline = options.isIdempotent() && attemptsLeft > 1 ? total.share(attemptsLeft)
                        : attempt == 1 ? total : total.rest();
                return attempt(call, deadline, options);
            } catch (NatrixException failure) {
                if (attemptsLeft <= 1 || !failure.mayBeRetried(options.isIdempotent())) {
                    throw overall(failure, total, attempt);
                }
                long pause = (long) (ThreadLocalRandom.current().nextDouble() * options.backoffCeiling(attempt).toNanos());
                if (pause >= total.nanosLeft()) {
                    throw overall(failure, total, attempt); // no time left for another attempt
                }
                scope.note("attempt " + attempt + " failed (" + failure.getClass().getSimpleName() + ": "
                        + failure.getMessage() + "); retrying in " + TimeUnit.NANOSECONDS.toMillis(pause) + " ms");
                pause(call.subject(), pause);
            }
        }
    }

    /** A timeout of the last of several attempts is a timeout of the whole call: say so with the whole budget. */
    private static NatrixException overall(NatrixException failure, Deadline total, int attempts) {
        if (failure instanceof CallTimeoutException && attempts > 1) {
            return CallTimeoutException.afterAttempts(total.subject(), total.allowed(), total.waited(), attempts);
        }
        return failure;
    }

    /** One attempt: through the subject's circuit breaker, hedged if the options say so. */
    private <R> R attempt(Call<R> call, Deadline deadline, CallOptions options) {
        CircuitBreakers.Permit permit = breakers.acquire(call.subject());
        long started = System.nanoTime();
        try {
            R reply = options.hedged() ? hedged(call, deadline, options) : exchange.once(call, deadline);
            permit.succeeded(System.nanoTime() - started);
            return reply;
        } catch (NatrixException failure) {
            permit.failed(System.nanoTime() - started, failure);
            throw failure;
        }
    }

    /** Sends a second copy if the first has no answer after the hedge delay; the first answer wins. */
    private <R> R hedged(Call<R> call, Deadline deadline, CallOptions options) {
        Optional<Duration> delay = options.fixedHedgeDelay().or(() -> latencies.p95(call.subject()));
        long started = System.nanoTime();
        if (delay.isEmpty()) { // too few calls yet to know the p95: one copy, and learn from it
            R reply = exchange.once(call, deadline);
            latencies.record(call.subject(), System.nanoTime() - started);
            return reply;
        }
        try (Race<R> race = new Race<>(call, deadline, exchange)) {
            race.send(call.subject());
            if (!race.await(Math.min(started + delay.get().toNanos(), deadline.at()))
                    && !race.allFailed() && deadline.nanosLeft() > 0) {
                race.send(call.subject());
            }
            if (!race.await(deadline.at())) {
                throw race.failure();
            }
            latencies.record(call.subject(), System.nanoTime() - started);
            return race.answer();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(call.subject(), e);
        }
    }

    /** One copy to each subject at once; the first answer wins. */
    <R> R fastest(List<String> subjects, Object request, Class<R> replyType, Duration timeout) {
        requirePositive(timeout);
        if (subjects.isEmpty()) {
            throw new IllegalArgumentException("fastest needs at least one subject");
        }
        String all = String.join("|", subjects);
        byte[] body = codec.encode(request);
        return observers.around(Hop.Kind.CALL, all, (context, scope) -> {
            Deadline deadline = Deadline.of(all, context, timeout);
            try (Race<R> race = new Race<>(new Call<>(all, body, replyType, context), deadline, exchange)) {
                subjects.forEach(race::send);
                if (!race.await(deadline.at())) {
                    throw race.failure();
                }
                return race.answer();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CallInterruptedException(all, e);
            }
        });
    }

    /** Every reply that arrives within {@code window}, from however many instances answer. */
    <R> List<R> gather(String subject, Object request, Class<R> replyType, Duration window) {
        requirePositive(window);
        return observers.around(Hop.Kind.CALL, subject, (context, scope) -> gather(
                new Call<>(subject, codec.encode(request), replyType, context), Deadline.of(subject, context, window)));
    }

    private <R> List<R> gather(Call<R> call, Deadline deadline) {
        String subject = call.subject();
        String inbox = connection.createInbox();
        LinkedBlockingQueue<Message> arrived = new LinkedBlockingQueue<>();
        CoreConnection.Subscription replies = subscribe(inbox, arrived);
        try {
            exchange.requireFits(subject, call.body());
            connection.publish(subject, inbox, Exchange.headers(subject, call.context(), deadline.allowed()), call.body());
            List<R> results = new ArrayList<>();
            for (long left = deadline.nanosLeft(); left > 0; left = deadline.nanosLeft()) {
                Message message = arrived.poll(left, TimeUnit.NANOSECONDS);
                if (message == null || message.isStatusMessage()) {
                    continue;
                }
                try {
                    results.add(exchange.read(subject, message, call.replyType()));
                } catch (NatrixException errorAnswer) {
                    // gather reports successful replies only; an instance's error is its own business
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(subject, e);
        } catch (IllegalStateException e) {
            throw exchange.closed(subject, e);
        } finally {
            replies.unsubscribe();
        }
    }

    private CoreConnection.Subscription subscribe(String subject, LinkedBlockingQueue<Message> into) {
        try {
            return connection.subscribe(subject, null, into::add);
        } catch (IllegalStateException e) {
            throw exchange.closed(subject, e);
        }
    }

    private static void pause(String subject, long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(subject, e);
        }
    }

    private static void requirePositive(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }
}
