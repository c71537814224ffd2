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
import io.nats.client.api.StreamState;

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
     * one kept), up to the last one stored when the replay began; returns how many. What is stored after that the
     * instance hears live (its listeners subscribe before it replays): a replay that followed the stream's end
     * chased the live fleet for as long as new positions came as fast as it read them (a geo instance restarted
     * under load took 11.7 minutes to be ready in a CI run of the chaos test, "replayed 58,393 positions").
     */
    static long replay(Connection connection, String stream, String filter, DeliverPolicy policy, Sink sink)
            throws IOException, JetStreamApiException, InterruptedException {
        StreamState stored = connection.jetStreamManagement(JetStreamDefaults.jetStream()).getStreamInfo(stream).getStreamState();
        if (stored.getMsgCount() == 0) {
            return 0;
        }
        long end = stored.getLastSequence();
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
                if (message.metaData().pendingCount() == 0 || message.metaData().streamSequence() >= end) {
                    return replayed;
                }
            }
        } finally {
            subscription.unsubscribe();
        }
    }
}
