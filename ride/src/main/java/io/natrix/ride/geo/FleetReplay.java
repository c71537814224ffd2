package io.natrix.ride.geo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The fleet's last known state in JetStream: a stream that captures every position and availability event
 * and keeps the last one per driver (memory storage: drivers resend every second, so a server restart only
 * loses seconds). A new geo instance replays it before it answers, so it never serves an empty index.
 */
final class FleetReplay {

    static final String STREAM = "GEO_FLEET";

    private FleetReplay() {
    }

    /** Creates the stream if it does not exist yet. */
    static void ensureStream(Connection connection) throws IOException, JetStreamApiException {
        JetStreamManagement management = connection.jetStreamManagement();
        if (management.getStreamNames().contains(STREAM)) {
            return;
        }
        try {
            management.addStream(StreamConfiguration.builder()
                    .name(STREAM)
                    .subjects(GeoService.POSITIONS + ".>", GeoService.AVAILABILITY + ".>")
                    .storageType(StorageType.Memory)
                    .maxMessagesPerSubject(1)
                    .maxAge(Duration.ofMinutes(10))
                    // bounded: two small messages per driver; 256 MiB holds a fleet of millions
                    .maxBytes(256L << 20).maximumMessageSize(4 << 10)
                    .build());
        } catch (JetStreamApiException e) {
            if (!management.getStreamNames().contains(STREAM)) {
                throw e; // not another instance creating it at the same moment
            }
        }
    }

    /** Reads the last event of every driver on {@code filter}, oldest first, into {@code sink}; returns how many. */
    static <T> long replay(Connection connection, String filter, Class<T> type, ObjectMapper json, Consumer<T> sink)
            throws IOException, JetStreamApiException, InterruptedException {
        if (connection.jetStreamManagement().getStreamInfo(STREAM).getStreamState().getMsgCount() == 0) {
            return 0;
        }
        JetStreamSubscription subscription = connection.jetStream().subscribe(filter, PushSubscribeOptions.builder()
                .stream(STREAM)
                .ordered(true)
                .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.LastPerSubject).build())
                .build());
        long replayed = 0;
        try {
            while (true) {
                Message message = subscription.nextMessage(Duration.ofMillis(500));
                if (message == null) {
                    return replayed; // nothing (more) on this filter
                }
                sink.accept(json.readValue(message.getData(), type));
                replayed++;
                if (message.metaData().pendingCount() == 0) {
                    return replayed;
                }
            }
        } finally {
            subscription.unsubscribe();
        }
    }
}
