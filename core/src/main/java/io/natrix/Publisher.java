package io.natrix;

import io.natrix.spi.Hop;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusException;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.time.Duration;

/**
 * The publishing side: broadcasts an event to every listener (on the core connection), or stores a durable event
 * in JetStream once (through jnats), carrying the current request's headers either way.
 */
final class Publisher {

    private final Connection connection;
    private final CoreConnection core;
    private final Exchange exchange;
    private final JsonCodec codec;
    private final Observers observers;

    Publisher(Connection connection, CoreConnection core, Exchange exchange, JsonCodec codec, Observers observers) {
        this.connection = connection;
        this.core = core;
        this.exchange = exchange;
        this.codec = codec;
        this.observers = observers;
    }

    void publish(String subject, Object event) {
        byte[] body = codec.encode(event);
        exchange.requireFits(subject, body);
        observers.around(Hop.Kind.PUBLISH, subject, (context, scope) -> {
            try {
                core.publish(subject, null, headerLinesOf(context), body);
                return null;
            } catch (IllegalStateException e) {
                throw exchange.closed(subject, e);
            }
        });
    }

    /** Stores {@code event} once under {@code id}; false when JetStream already had it (a duplicate). */
    boolean publishDurable(String subject, Object event, String id, Duration timeout) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a durable event needs an id that makes it unique, got '" + id + "'");
        }
        byte[] body = codec.encode(event);
        exchange.requireFits(subject, body);
        PublishOptions options = PublishOptions.builder().messageId(id).streamTimeout(timeout).build();
        return observers.around(Hop.Kind.PUBLISH, subject, (context, scope) -> store(subject, body, options, timeout, context));
    }

    private boolean store(String subject, byte[] body, PublishOptions options, Duration timeout, RequestContext context) {
        long started = System.nanoTime();
        try {
            return !connection.jetStream(JetStreamDefaults.jetStream()).publish(subject, headersOf(context), body, options).isDuplicate();
        } catch (JetStreamStatusException status) {
            if (status.getStatus().isNoResponders()) {
                throw noStream(subject);
            }
            throw ConnectionException.inFlight(subject, "JetStream did not store the event on '" + subject + "': "
                    + status.getMessage(), status);
        } catch (JetStreamApiException refused) {
            throw new ConnectionException(subject, "JetStream refused the event on '" + subject + "': "
                    + refused.getMessage(), refused);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("503")) {
                throw noStream(subject);
            }
            if (connection.getStatus() == Connection.Status.CONNECTED) {
                throw new CallTimeoutException(subject, timeout, Duration.ofNanos(System.nanoTime() - started));
            }
            throw ConnectionException.inFlight(subject, "the event on '" + subject + "' was not confirmed: the connection is "
                    + connection.getStatus() + "; publish it again with the same id", e);
        } catch (IllegalStateException e) {
            throw exchange.closed(subject, e);
        }
    }

    private static NoRespondersException noStream(String subject) {
        return new NoRespondersException(subject, "no JetStream stream stores '" + subject
                + "': start the service with the durable listener first, or create the stream");
    }

    /** The headers of a {@link RequestContext} for an event on the core connection, or null for none. */
    private static byte[] headerLinesOf(RequestContext context) {
        if (context.headers().isEmpty()) {
            return null;
        }
        HeaderLines headers = new HeaderLines();
        context.headers().forEach(headers::add);
        return headers.bytes();
    }

    /** The headers of a {@link RequestContext} for a durable event, or none (jnats takes null for none). */
    private static Headers headersOf(RequestContext context) {
        if (context.headers().isEmpty()) {
            return null;
        }
        Headers headers = new Headers();
        context.headers().forEach(headers::put);
        return headers;
    }
}
