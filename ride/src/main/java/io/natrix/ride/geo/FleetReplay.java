package io.natrix.ride.geo;

import io.natrix.JetStreamDefaults;

import io.natrix.ride.RideStorage;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;

import java.io.IOException;
import java.time.Duration;

/**
 * The fleet's last known state in JetStream, in two streams: positions ({@link RideStorage#GEO_FLEET}, in
 * memory, the last {@link RideStorage#FLEET_KEPT} of them, singles and gateways' batches alike: drivers resend
 * every second, so a server restart only loses seconds) and availability ({@link RideStorage#GEO_AVAILABILITY},
 * on disk, the last per driver: a driver says it once). A new geo instance replays both before it answers, so it
 * never serves an empty index.
 */
final class FleetReplay {

    private FleetReplay() {
    }

    /** Fails clearly when the streams have not been provisioned ({@link RideStorage#provision}). */
    static void requireStreams(Connection connection, String fleet) throws IOException, JetStreamApiException {
        RideStorage.require(connection, fleet);
        RideStorage.require(connection, RideStorage.GEO_AVAILABILITY);
    }

    /** What a replay does with each stored message. */
    @FunctionalInterface
    interface Sink {
        void accept(byte[] message) throws IOException;
    }

    /**
     * Reads the messages of {@code stream} on {@code filter} into {@code sink}, oldest first, as {@code policy}
     * picks them ({@link DeliverPolicy#LastPerSubject}: the last per driver; {@link DeliverPolicy#All}: every
     * one kept); returns how many.
     */
    static long replay(Connection connection, String stream, String filter, DeliverPolicy policy, Sink sink)
            throws IOException, JetStreamApiException, InterruptedException {
        if (connection.jetStreamManagement(JetStreamDefaults.jetStream()).getStreamInfo(stream).getStreamState().getMsgCount() == 0) {
            return 0;
        }
        JetStreamSubscription subscription = connection.jetStream(JetStreamDefaults.jetStream()).subscribe(filter, PushSubscribeOptions.builder()
                .stream(stream)
                .ordered(true)
                .configuration(ConsumerConfiguration.builder().deliverPolicy(policy).build())
                .build());
        long replayed = 0;
        try {
            while (true) {
                Message message = subscription.nextMessage(Duration.ofMillis(500));
                if (message == null) {
                    return replayed; // nothing (more) on this filter
                }
                sink.accept(message.getData());
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
