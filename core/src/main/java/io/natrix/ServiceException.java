package io.natrix;

/**
 * An error answer: thrown by a handler to reject a request, and thrown to the caller when the reply carries
 * that error.
 *
 * <p>The code travels in the NATS Services API header {@code Nats-Service-Error-Code} and the message in
 * {@code Nats-Service-Error}. Codes follow HTTP meanings so that a gateway can pass them on: 400 bad
 * request, 404 not found, 409 conflict, 422 unprocessable, 500 internal, 503 unavailable, 504 timeout.
 * Use {@link OverloadedException}'s code 429 only through the in-flight bound.
 *
 * <pre>{@code
 * User find(GetUser request) {
 *     return users.get(request.id()).orElseThrow(() -> new ServiceException(404, "no user " + request.id()));
 * }
 * }</pre>
 */
public final class ServiceException extends NatrixException {

    private final int code;

    /**
     * An error answer for the caller.
     *
     * @param code    an HTTP-like status, 400 to 599
     * @param message what went wrong, in words the caller can act on; it is sent as is
     */
    public ServiceException(int code, String message) {
        this(null, code, message);
    }

    ServiceException(String subject, int code, String message) {
        super(subject, message, null);
        if (code < 400 || code > 599) {
            throw new IllegalArgumentException("error codes are 400 to 599, got " + code);
        }
        this.code = code;
    }

    /** The error code, 400 to 599. */
    public int code() {
        return code;
    }

    /** Codes that say "try again later" (503, 504) are retryable; the others describe the request. */
    @Override
    public boolean retryable() {
        return code == Wire.UNAVAILABLE || code == Wire.TIMEOUT;
    }

    @Override
    public String toString() {
        return "ServiceException[" + code + "]: " + getMessage();
    }
}
