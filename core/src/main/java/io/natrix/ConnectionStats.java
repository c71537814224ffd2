package io.natrix;

/**
 * What a {@link Natrix}'s NATS connections have done, both counted together: natrix's own core connection
 * (calls, events, endpoints, listeners) and the jnats connection beside it (JetStream, KV, the object store,
 * {@link Natrix#nats()}).
 *
 * @param connected   both connections have a server now
 * @param reconnects  times either connection connected again after losing its server
 * @param messagesIn  messages received
 * @param messagesOut messages sent
 */
public record ConnectionStats(boolean connected, long reconnects, long messagesIn, long messagesOut) {
}
