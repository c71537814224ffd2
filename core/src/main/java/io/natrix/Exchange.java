package io.natrix;

import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * One request and its reply, on the wire: sends a request with the headers its context carries, waits for the
 * reply within a deadline, and turns the reply, or whatever happened instead, into the caller's type or a typed
 * {@link NatrixException}. The futures stay in here; callers just block.
 */
final class Exchange {

    private final CoreConnection connection;
    private final ReplyRouter replies;
    private final JsonCodec codec;

    Exchange(CoreConnection connection, ReplyRouter replies, JsonCodec codec) {
        this.connection = connection;
        this.replies = replies;
        this.codec = codec;
    }

    /** Sends {@code call}'s request once and waits for its reply until {@code deadline}. */
    <R> R once(Call<R> call, Deadline deadline) {
        CompletableFuture<Message> reply = send(call, call.subject(), deadline.left());
        try {
            // untimed: the reply router ends the future at the deadline (a timed wait costs a timer per call)
            return read(call.subject(), reply.get(), call.replyType());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw deadline.timedOut();
            }
            throw failure(call.subject(), e, deadline);
        } catch (CancellationException e) {
            throw failure(call.subject(), e, deadline);
        } catch (InterruptedException e) {
            reply.cancel(false);
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(call.subject(), e);
        }
    }

    /** Sends {@code call}'s request to {@code subject}, telling the responder it has {@code budget} to answer. */
    CompletableFuture<Message> send(Call<?> call, String subject, Duration budget) {
        requireFits(subject, call.body());
        try {
            return replies.request(subject, headers(subject, call.context(), budget), call.body(),
                    System.nanoTime() + budget.toNanos());
        } catch (IllegalStateException e) {
            throw closed(subject, e);
        }
    }

    /** The reply's payload as the caller's type, or the failure the reply carries. */
    <R> R read(String subject, Message reply, Class<R> replyType) {
        if (reply.isStatusMessage()) {
            if (reply.getStatus().isNoResponders()) {
                throw new NoRespondersException(subject);
            }
            throw ConnectionException.inFlight(subject, "the request on '" + subject + "' got the server's status "
                    + reply.getStatus().getCode() + " " + reply.getStatus().getMessage() + " instead of a reply", null);
        }
        Headers headers = reply.getHeaders();
        if (headers != null && headers.containsKey(Wire.ERROR_CODE_HEADER)) {
            throw Wire.failureOf(subject, headers);
        }
        try {
            return codec.decode(reply.getData(), replyType);
        } catch (JsonCodec.MalformedJsonException e) {
            throw new ServiceException(subject, Wire.BAD_REPLY, "the reply on '" + subject + "' is not a "
                    + replyType.getSimpleName() + ": " + e.getMessage());
        }
    }

    /** What a request's future ending in {@code error} means for the caller. */
    NatrixException failure(String subject, Throwable error, Deadline deadline) {
        Throwable cause = error instanceof ExecutionException && error.getCause() != null ? error.getCause() : error;
        return switch (cause) {
            case NatrixException natrix -> natrix;
            case JetStreamStatusException status when status.getStatus().isNoResponders() ->
                    new NoRespondersException(subject);
            case TimeoutException ignored -> new CallTimeoutException(subject, deadline.allowed(), deadline.waited());
            case CancellationException ignored when connection.status() == CoreConnection.Status.CONNECTED ->
                    new CallTimeoutException(subject, deadline.allowed(), deadline.waited());
            case CancellationException ignored -> ConnectionException.inFlight(subject,
                    "the request on '" + subject + "' was cancelled: the connection is " + connection.status(), cause);
            default -> ConnectionException.inFlight(subject, "the request on '" + subject + "' failed: " + cause, cause);
        };
    }

    /** Nothing could be sent: the connection is closed or draining. */
    ConnectionException closed(String subject, IllegalStateException e) {
        return new ConnectionException(subject, "cannot send on '" + subject + "': the connection is "
                + connection.status() + " (" + e.getMessage() + ")", e);
    }

    /** Refuses a payload the server would refuse, before anything is sent, naming both sizes. */
    void requireFits(String subject, byte[] body) {
        long max = connection.maxPayload();
        if (max > 0 && body.length > max) {
            throw new IllegalArgumentException(Wire.tooLarge("the payload for '" + subject + "'", body.length, max));
        }
    }

    /** A request's headers: the context's, the time budget and the call depth (refused past the limit). */
    static byte[] headers(String subject, RequestContext context, Duration budget) {
        int depth = context.depth() + 1;
        if (depth > Wire.MAX_DEPTH) {
            throw new ServiceException(subject, Wire.LOOP_DETECTED, "the call on '" + subject + "' would be " + depth
                    + " calls deep, over the limit of " + Wire.MAX_DEPTH + ": do services call each other in a loop?");
        }
        return Wire.requestHeaders(context, budget, depth);
    }
}
