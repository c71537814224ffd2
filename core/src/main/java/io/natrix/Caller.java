package io.natrix;

import io.nats.client.Connection;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The calling side: sends requests and events and turns every way a request can end into a reply or a typed
 * {@link NatrixException}. jnats's futures are used inside and never leak out: callers just block.
 */
final class Caller {

    private final Connection connection;
    private final JsonCodec codec;

    Caller(Connection connection, JsonCodec codec) {
        this.connection = connection;
        this.codec = codec;
    }

    <R> R call(String subject, Object request, Class<R> replyType, Duration timeout) {
        requirePositive(timeout);
        long started = System.nanoTime();
        CompletableFuture<Message> reply = send(subject, codec.encode(request), timeout);
        try {
            return read(subject, reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS), replyType);
        } catch (TimeoutException e) {
            reply.cancel(false);
            throw new CallTimeoutException(subject, timeout, Duration.ofNanos(System.nanoTime() - started));
        } catch (ExecutionException | CancellationException e) {
            throw failure(subject, e, timeout, started);
        } catch (InterruptedException e) {
            reply.cancel(false);
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(subject, e);
        }
    }

    <R> R fastest(List<String> subjects, Object request, Class<R> replyType, Duration deadline) {
        requirePositive(deadline);
        if (subjects.isEmpty()) {
            throw new IllegalArgumentException("fastest needs at least one subject");
        }
        long started = System.nanoTime();
        long deadlineNanos = started + deadline.toNanos();
        byte[] body = codec.encode(request);
        BlockingQueue<Outcome> outcomes = new ArrayBlockingQueue<>(subjects.size());
        List<CompletableFuture<Message>> pending = new ArrayList<>(subjects.size());
        try {
            for (String subject : subjects) {
                CompletableFuture<Message> reply = send(subject, body, deadline);
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
                            : rethrow(failure(outcome.subject, outcome.error, deadline, started));
                } catch (NatrixException e) {
                    best = moreTelling(best, e);
                }
            }
            if (answered == subjects.size()) {
                throw best;
            }
            throw new CallTimeoutException(String.join("|", subjects), deadline,
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(String.join("|", subjects), e);
        } finally {
            pending.forEach(reply -> reply.cancel(false));
        }
    }

    <R> List<R> gather(String subject, Object request, Class<R> replyType, Duration window) {
        requirePositive(window);
        long deadlineNanos = System.nanoTime() + window.toNanos();
        String inbox = connection.createInbox();
        Subscription replies = subscribe(inbox);
        try {
            byte[] body = codec.encode(request);
            requireFits(subject, body);
            connection.publish(subject, inbox, propagated(), body);
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

    void publish(String subject, Object event) {
        byte[] body = codec.encode(event);
        requireFits(subject, body);
        try {
            connection.publish(subject, propagated(), body);
        } catch (IllegalStateException e) {
            throw closed(subject, e);
        }
    }

    private CompletableFuture<Message> send(String subject, byte[] body, Duration timeout) {
        requireFits(subject, body);
        try {
            return connection.requestWithTimeout(subject, propagated(), body, timeout);
        } catch (IllegalStateException e) {
            throw closed(subject, e);
        }
    }

    /** The reply's payload as the caller's type, or the error the reply carries. */
    private <R> R read(String subject, Message reply, Class<R> replyType) {
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

    /** The headers of the current {@link RequestContext}, or none. */
    private static Headers propagated() {
        return RequestContext.current().map(context -> {
            Headers headers = new Headers();
            context.headers().forEach(headers::put);
            return headers;
        }).orElse(null);
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
