package io.natrix;

/**
 * One call as it goes out: what it is called by (its subject, or the subjects of a {@code fastest} joined by
 * {@code |}), the request already encoded, the type its reply is read as, and the context it carries on.
 */
record Call<R>(String subject, byte[] body, Class<R> replyType, RequestContext context) {
}
