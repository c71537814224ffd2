package io.natrix;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusException;
import io.nats.client.PublishOptions;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The calling side: sends requests and events and turns every way a request can end into a reply or a typed
 * {@link NatrixException}. jnats's futures are used inside and never leak out: callers just block.
 */
final class Caller {

    private final Connection connection;
    private final ReplyRouter replies;
    private final JsonCodec codec;
    private final CircuitBreakers breakers;
    private final Observers observers;
    private final SubjectLatencies latencies = new SubjectLatencies();

    Caller(Connection connection, ReplyRouter replies, JsonCodec codec, CircuitBreakers breakers, Observers observers) {
        this.connection = connection;
        this.replies = replies;
        this.codec = codec;
        this.breakers = breakers;
        this.observers = observers;
    }

    /** Runs one call or publish as a hop the observers see, in the context they carry on. */
    private <T> T observed(Hop.Kind kind, String subject, Observed<T> work) {
        RequestContext current = RequestContext.current().orElse(null);
        HopObserver.Scope scope = observers.begin(kind, subject, current == null ? null : current.service(), null, null, current);
        try {
            T result = work.run(Observers.carried(current, scope), scope);
            scope.end(HopObserver.OK, null);
            return result;
        } catch (NatrixException failure) {
            scope.end(Wire.codeOf(failure), failure.getMessage());
            throw failure;
        } catch (RuntimeException failure) {
            scope.end(Wire.INTERNAL, failure.toString());
            throw failure;
        }
    }

    @FunctionalInterface
    private interface Observed<T> {
        T run(RequestContext context, HopObserver.Scope scope);
    }

    CircuitState circuitState(String subject) {
        return breakers.state(subject);
    }

    <R> R call(String subject, Object request, Class<R> replyType, Duration timeout) {
        requirePositive(timeout);
        byte[] body = codec.encode(request);
        return observed(Hop.Kind.CALL, subject,
                (context, scope) -> attempt(subject, body, replyType, context, budget(subject, context, timeout), null));
    }

    /** A call with retries, backoff and hedging as {@code options} say, all within one deadline. */
    <R> R call(String subject, Object request, Class<R> replyType, CallOptions options, Duration defaultTimeout) {
        if (options.hedged() && !options.isIdempotent()) {
            throw new IllegalArgumentException("hedging sends a request twice: declare the call idempotent() to hedge it");
        }
        byte[] body = codec.encode(request);
        return observed(Hop.Kind.CALL, subject, (context, scope) -> withRetries(subject, body, replyType, options,
                defaultTimeout, context, scope));
    }

    private <R> R withRetries(String subject, byte[] body, Class<R> replyType, CallOptions options,
                              Duration defaultTimeout, RequestContext context, HopObserver.Scope scope) {
        Budget total = budget(subject, context, options.totalTimeout().orElse(defaultTimeout));
        long deadline = total.deadline();
        for (int attempt = 0; ; attempt++) {
            int attemptsLeft = options.maxRetries() - attempt + 1;
            try {
                // when a timeout may be retried, each attempt gets its share of what is left, so a retry has time
                // too; no time left is a timeout of the whole call, said as one
                Budget budget = options.isIdempotent() && attemptsLeft > 1 ? total.share(subject, attemptsLeft)
                        : attempt == 0 ? total : total.rest(subject);
                return attempt(subject, body, replyType, context, budget, options);
            } catch (NatrixException failure) {
                if (attemptsLeft <= 1 || !options.mayRetryAfter(failure)) {
                    throw overall(failure, total, attempt + 1);
                }
                long pause = (long) (ThreadLocalRandom.current().nextDouble() * options.backoffCeiling(attempt + 1).toNanos());
                if (System.nanoTime() + pause >= deadline) {
                    throw overall(failure, total, attempt + 1); // no time left for another attempt
                }
                scope.note("attempt " + (attempt + 1) + " failed (" + failure.getClass().getSimpleName() + ": "
                        + failure.getMessage() + "); retrying in " + TimeUnit.NANOSECONDS.toMillis(pause) + " ms");
                pause(subject, pause);
            }
        }
    }

    /** A timeout of the last of several attempts is a timeout of the whole call: say so with the whole budget. */
    private static NatrixException overall(NatrixException failure, Budget total, int attempts) {
        if (failure instanceof CallTimeoutException timeout && attempts > 1) {
            return CallTimeoutException.afterAttempts(timeout.subject().orElse(""), total.allowed(),
                    Duration.ofNanos(System.nanoTime() - (total.deadline() - total.allowed().toNanos())), attempts);
        }
        return failure;
    }

    /** One attempt: through the subject's circuit breaker, hedged if the options say so. */
    private <R> R attempt(String subject, byte[] body, Class<R> replyType, RequestContext context, Budget budget,
                          CallOptions options) {
        CircuitBreakers.Permit permit = breakers.acquire(subject);
        long started = System.nanoTime();
        try {
            R reply = options != null && options.hedged()
                    ? hedged(subject, body, replyType, context, budget, options)
                    : once(subject, body, replyType, context, budget);
            permit.succeeded(System.nanoTime() - started);
            return reply;
        } catch (NatrixException failure) {
            permit.failed(System.nanoTime() - started, failure);
            throw failure;
        }
    }

    private <R> R once(String subject, byte[] body, Class<R> replyType, RequestContext context, Budget budget) {
        long started = System.nanoTime();
        Duration left = left(subject, budget.deadline(), started);
        CompletableFuture<Message> reply = send(subject, headers(subject, context, left), body, left);
        try {
            return read(subject, reply.get(left.toNanos(), TimeUnit.NANOSECONDS), replyType);
        } catch (TimeoutException e) {
            reply.cancel(false);
            throw new CallTimeoutException(subject, budget.allowed(), Duration.ofNanos(System.nanoTime() - budget.began()));
        } catch (ExecutionException | CancellationException e) {
            throw failure(subject, e, budget.allowed(), budget.began());
        } catch (InterruptedException e) {
            reply.cancel(false);
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(subject, e);
        }
    }

    /** Sends a second copy if the first has no answer after the hedge delay; the first answer wins. */
    private <R> R hedged(String subject, byte[] body, Class<R> replyType, RequestContext context, Budget allowed,
                         CallOptions options) {
        Optional<Duration> delay = options.fixedHedgeDelay().or(() -> latencies.p95(subject));
        if (delay.isEmpty()) { // too few calls yet to know the p95: one copy, and learn from it
            long started = System.nanoTime();
            R reply = once(subject, body, replyType, context, allowed);
            latencies.record(subject, System.nanoTime() - started);
            return reply;
        }
        long started = System.nanoTime();
        long deadline = allowed.deadline();
        Duration budget = left(subject, deadline, started);
        BlockingQueue<Outcome> outcomes = new ArrayBlockingQueue<>(2);
        List<CompletableFuture<Message>> pending = new ArrayList<>(2);
        try {
            CompletableFuture<Message> first = send(subject, headers(subject, context, budget), body, budget);
            pending.add(first);
            first.whenComplete((message, error) -> outcomes.add(new Outcome(subject, message, error)));
            Outcome outcome = outcomes.poll(Math.min(delay.get().toNanos(), deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            int sent = 1;
            if (outcome == null && deadline - System.nanoTime() > 0) {
                Duration rest = left(subject, deadline, System.nanoTime());
                CompletableFuture<Message> second = send(subject, headers(subject, context, rest), body, rest);
                pending.add(second);
                second.whenComplete((message, error) -> outcomes.add(new Outcome(subject, message, error)));
                sent = 2;
            }
            NatrixException best = null;
            for (int answered = 0; answered < sent; answered++) {
                if (outcome == null) {
                    outcome = outcomes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (outcome == null) {
                        break;
                    }
                }
                try {
                    R reply = outcome.error == null ? read(subject, outcome.message, replyType)
                            : rethrow(failure(subject, outcome.error, allowed.allowed(), allowed.began()));
                    latencies.record(subject, System.nanoTime() - started);
                    return reply;
                } catch (NatrixException e) {
                    best = moreTelling(best, e);
                }
                outcome = null;
            }
            if (best != null && pending.stream().allMatch(CompletableFuture::isDone)) {
                throw best;
            }
            throw new CallTimeoutException(subject, allowed.allowed(), Duration.ofNanos(System.nanoTime() - allowed.began()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(subject, e);
        } finally {
            pending.forEach(reply -> reply.cancel(false));
        }
    }

    <R> R fastest(List<String> subjects, Object request, Class<R> replyType, Duration deadline) {
        requirePositive(deadline);
        if (subjects.isEmpty()) {
            throw new IllegalArgumentException("fastest needs at least one subject");
        }
        String all = String.join("|", subjects);
        return observed(Hop.Kind.CALL, all, (context, scope) -> fastest(all, subjects, request, replyType, deadline, context));
    }

    private <R> R fastest(String all, List<String> subjects, Object request, Class<R> replyType, Duration deadline,
                          RequestContext context) {
        long started = System.nanoTime();
        Budget allowed = budget(all, context, deadline);
        long deadlineNanos = allowed.deadline();
        Duration budget = allowed.allowed();
        byte[] body = codec.encode(request);
        Headers headers = headers(all, context, budget);
        BlockingQueue<Outcome> outcomes = new ArrayBlockingQueue<>(subjects.size());
        List<CompletableFuture<Message>> pending = new ArrayList<>(subjects.size());
        try {
            for (String subject : subjects) {
                CompletableFuture<Message> reply = send(subject, headers, body, budget);
                pending.add(reply);
                reply.whenComplete((message, error) -> outcomes.add(new Outcome(subject, message, error)));
            }
            NatrixException best = null;
            int answered = 0;
            while (answered < subjects.size()) {
                Outcome outcome = outcomes.poll(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (outcome == null) {
                    break;
                }
                answered++;
                try {
                    return outcome.error == null ? read(outcome.subject, outcome.message, replyType)
                            : rethrow(failure(outcome.subject, outcome.error, budget, started));
                } catch (NatrixException e) {
                    best = moreTelling(best, e);
                }
            }
            if (answered == subjects.size()) {
                throw best;
            }
            throw new CallTimeoutException(all, budget, Duration.ofNanos(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(all, e);
        } finally {
            pending.forEach(reply -> reply.cancel(false));
        }
    }

    <R> List<R> gather(String subject, Object request, Class<R> replyType, Duration window) {
        requirePositive(window);
        return observed(Hop.Kind.CALL, subject, (context, scope) -> gather(subject, request, replyType, window, context));
    }

    private <R> List<R> gather(String subject, Object request, Class<R> replyType, Duration window, RequestContext context) {
        Budget allowed = budget(subject, context, window);
        long deadlineNanos = allowed.deadline();
        Headers headers = headers(subject, context, allowed.allowed());
        String inbox = connection.createInbox();
        Subscription replies = subscribe(inbox);
        try {
            byte[] body = codec.encode(request);
            requireFits(subject, body);
            connection.publish(subject, inbox, headers, body);
            List<R> results = new ArrayList<>();
            while (true) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return results;
                }
                Message message = replies.nextMessage(Duration.ofNanos(left));
                if (message == null || message.isStatusMessage()) {
                    continue;
                }
                try {
                    results.add(read(subject, message, replyType));
                } catch (NatrixException errorAnswer) {
                    // gather reports successful replies only; an instance's error is its own business
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(subject, e);
        } catch (IllegalStateException e) {
            throw closed(subject, e);
        } finally {
            unsubscribe(replies);
        }
    }

    boolean publishDurable(String subject, Object event, String id, Duration timeout) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a durable event needs an id that makes it unique, got '" + id + "'");
        }
        byte[] body = codec.encode(event);
        requireFits(subject, body);
        PublishOptions options = PublishOptions.builder().messageId(id).streamTimeout(timeout).build();
        return observed(Hop.Kind.PUBLISH, subject, (context, scope) -> storeDurable(subject, body, options, timeout, context));
    }

    private boolean storeDurable(String subject, byte[] body, PublishOptions options, Duration timeout, RequestContext context) {
        long started = System.nanoTime();
        try {
            return !connection.jetStream(JetStreamDefaults.jetStream()).publish(subject, headersOf(context), body, options).isDuplicate();
        } catch (JetStreamStatusException status) {
            if (status.getStatus().isNoResponders()) {
                throw noStream(subject);
            }
            throw new ConnectionException(subject, "JetStream did not store the event on '" + subject + "': " + status.getMessage(), status);
        } catch (JetStreamApiException refused) {
            throw new ConnectionException(subject, "JetStream refused the event on '" + subject + "': " + refused.getMessage(), refused);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("503")) {
                throw noStream(subject);
            }
            if (connection.getStatus() == Connection.Status.CONNECTED) {
                throw new CallTimeoutException(subject, timeout, Duration.ofNanos(System.nanoTime() - started));
            }
            throw new ConnectionException(subject, "the event on '" + subject + "' was not confirmed: the connection is "
                    + connection.getStatus() + "; publish it again with the same id", e);
        } catch (IllegalStateException e) {
            throw closed(subject, e);
        }
    }

    private static NoRespondersException noStream(String subject) {
        return new NoRespondersException(subject, "no JetStream stream stores '" + subject
                + "': start the service with the durable listener first, or create the stream");
    }

    void publish(String subject, Object event) {
        byte[] body = codec.encode(event);
        requireFits(subject, body);
        observed(Hop.Kind.PUBLISH, subject, (context, scope) -> {
            try {
                connection.publish(subject, headersOf(context), body);
                return null;
            } catch (IllegalStateException e) {
                throw closed(subject, e);
            }
        });
    }

    private CompletableFuture<Message> send(String subject, Headers headers, byte[] body, Duration timeout) {
        requireFits(subject, body);
        try {
            return replies.request(subject, headers, body, timeout);
        } catch (IllegalStateException e) {
            throw closed(subject, e);
        }
    }

    /** The reply's payload as the caller's type, or the error the reply carries. */
    private <R> R read(String subject, Message reply, Class<R> replyType) {
        if (reply.isStatusMessage()) {
            if (reply.getStatus().isNoResponders()) {
                throw new NoRespondersException(subject);
            }
            throw new ConnectionException(subject, "the request on '" + subject + "' got the server's status "
                    + reply.getStatus().getCode() + " " + reply.getStatus().getMessage() + " instead of a reply", null);
        }
        Headers headers = reply.getHeaders();
        if (headers != null && headers.containsKey(Wire.ERROR_CODE_HEADER)) {
            throw errorAnswer(subject, headers);
        }
        try {
            return codec.decode(reply.getData(), replyType);
        } catch (JsonCodec.MalformedJsonException e) {
            throw new ServiceException(subject, Wire.BAD_REPLY, "the reply on '" + subject + "' is not a "
                    + replyType.getSimpleName() + ": " + e.getMessage());
        }
    }

    private static NatrixException errorAnswer(String subject, Headers headers) {
        String message = headers.getFirst(Wire.ERROR_HEADER);
        int code;
        try {
            code = Integer.parseInt(headers.getFirst(Wire.ERROR_CODE_HEADER).trim());
        } catch (NumberFormatException e) {
            code = Wire.INTERNAL;
        }
        if (code == Wire.OVERLOADED) {
            return new OverloadedException(subject, message);
        }
        return new ServiceException(subject, code < 400 || code > 599 ? Wire.INTERNAL : code,
                message == null ? "error " + code : message);
    }

    private NatrixException failure(String subject, Throwable error, Duration timeout, long started) {
        Throwable cause = error instanceof ExecutionException && error.getCause() != null ? error.getCause() : error;
        return switch (cause) {
            case NatrixException natrix -> natrix;
            case JetStreamStatusException status when status.getStatus().isNoResponders() ->
                    new NoRespondersException(subject);
            case TimeoutException ignored ->
                    new CallTimeoutException(subject, timeout, Duration.ofNanos(System.nanoTime() - started));
            // jnats's own clean-up cancels a request whose time is up while the caller is late to notice (a busy CPU)
            case CancellationException ignored when connection.getStatus() == Connection.Status.CONNECTED ->
                    new CallTimeoutException(subject, timeout, Duration.ofNanos(System.nanoTime() - started));
            case CancellationException ignored -> new ConnectionException(subject,
                    "the request on '" + subject + "' was cancelled: the connection is " + connection.getStatus(), cause);
            default -> new ConnectionException(subject, "the request on '" + subject + "' failed: " + cause, cause);
        };
    }

    private static <T> T rethrow(NatrixException e) {
        throw e;
    }

    /** An error answer says most, then an overload, then a missing responder. */
    private static NatrixException moreTelling(NatrixException best, NatrixException candidate) {
        return best == null || rank(candidate) > rank(best) ? candidate : best;
    }

    private static int rank(NatrixException e) {
        return switch (e) {
            case ServiceException ignored -> 3;
            case OverloadedException ignored -> 2;
            case NoRespondersException ignored -> 1;
            default -> 0;
        };
    }

    private Subscription subscribe(String subject) {
        try {
            return connection.subscribe(subject);
        } catch (IllegalStateException e) {
            throw closed(subject, e);
        }
    }

    private static void unsubscribe(Subscription subscription) {
        try {
            subscription.unsubscribe();
        } catch (IllegalStateException alreadyClosed) {
            // the connection closed first; nothing is left to clean up
        }
    }

    private ConnectionException closed(String subject, IllegalStateException e) {
        return new ConnectionException(subject, "cannot send on '" + subject + "': the connection is "
                + connection.getStatus() + " (" + e.getMessage() + ")", e);
    }

    /**
     * When a call must end: {@code timeout} from now, or sooner if the request being handled has less left.
     * A call whose request has no time left fails at once, before anything is sent.
     */
    private static Budget budget(String subject, RequestContext context, Duration timeout) {
        Duration allowed = timeout;
        if (context != null) {
            Optional<Duration> remaining = context.remaining();
            if (remaining.isPresent()) {
                if (remaining.get().isNegative() || remaining.get().isZero()) {
                    throw CallTimeoutException.deadlinePassed(subject, timeout);
                }
                allowed = remaining.get().compareTo(timeout) < 0 ? remaining.get() : timeout;
            }
        }
        return new Budget(allowed, System.nanoTime() + allowed.toNanos());
    }

    /** The time a call is allowed (for its messages) and the moment it ends. */
    private record Budget(Duration allowed, long deadline) {

        /**
         * When the budget began: a timeout says it waited from here, so the whole budget it was given, not
         * from a later moment after the call's own set-up (a breaker, an observer, a first call's class loading).
         */
        long began() {
            return deadline - allowed.toNanos();
        }

        /** The part of this budget left from now; a timeout if none is. */
        Budget rest(String subject) {
            return new Budget(left(subject, deadline, System.nanoTime()), deadline);
        }

        /** A share of what is left: {@code 1/parts} of it. */
        Budget share(String subject, int parts) {
            Duration left = left(subject, deadline, System.nanoTime());
            Duration share = left.dividedBy(parts);
            return new Budget(share, System.nanoTime() + share.toNanos());
        }
    }

    /** The time left before {@code deadline}; a timeout if none is. */
    private static Duration left(String subject, long deadline, long now) {
        long left = deadline - now;
        if (left <= 0) {
            throw new CallTimeoutException(subject, Duration.ZERO, Duration.ZERO);
        }
        return Duration.ofNanos(left);
    }

    /** A request's headers: the current context's, the time budget and the call depth (refused past the limit). */
    private static Headers headers(String subject, RequestContext context, Duration budget) {
        int depth = context == null ? 1 : context.depth() + 1;
        if (depth > Wire.MAX_DEPTH) {
            throw new ServiceException(subject, Wire.LOOP_DETECTED, "the call on '" + subject + "' would be " + depth
                    + " calls deep, over the limit of " + Wire.MAX_DEPTH + ": do services call each other in a loop?");
        }
        return Wire.requestHeaders(context, budget, depth);
    }

    private static void pause(String subject, long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(subject, e);
        }
    }

    /** The headers of a {@link RequestContext} for an event, or none. */
    private static Headers headersOf(RequestContext context) {
        if (context == null || context.headers().isEmpty()) {
            return null;
        }
        Headers headers = new Headers();
        context.headers().forEach(headers::put);
        return headers;
    }

    /** Refuses a payload the server would refuse, before anything is sent, naming both sizes. */
    private void requireFits(String subject, byte[] body) {
        long max = connection.getMaxPayload();
        if (max > 0 && body.length > max) {
            throw new IllegalArgumentException(Wire.tooLarge("the payload for '" + subject + "'", body.length, max));
        }
    }

    private static void requirePositive(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    private record Outcome(String subject, Message message, Throwable error) {
    }
}
