package io.natrix;

/**
 * The code behind an endpoint: plain blocking Java, called on a virtual thread of its own for every request.
 *
 * <p>Return the reply, or throw {@link ServiceException} to answer with an error code. Any other exception
 * answers 500 with a message that leaks no stack trace. Use {@code byte[]} as the request or reply type to
 * work with raw payloads.
 *
 * @param <Q> the request type, read from JSON
 * @param <R> the reply type, written as JSON
 */
@FunctionalInterface
public interface Handler<Q, R> {

    /** Answers one request. Blocking is fine: this runs on its own virtual thread. */
    R handle(Q request) throws Exception;
}
