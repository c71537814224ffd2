package io.natrix.ride.geo;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** A replay ends at what was stored when it began, however fast the fleet keeps storing positions. */
class FleetReplayTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    @Test
    void aReplaySlowerThanTheFleetStillEndsAtWhatWasStoredWhenItBegan() throws Exception {
        try (Connection connection = Nats.connect(nats.options().build())) {
            JetStreamManagement streams = connection.jetStreamManagement();
            streams.addStream(StreamConfiguration.builder().name("FLEET_REPLAY_TEST").subjects("replay.fleet.>")
                    .storageType(StorageType.Memory).maxMessages(2_000).build());
            // a gateway's batch of positions: large enough that the consumer's flow control, not the server, sets
            // the pace, as on a busy machine
            byte[] position = new byte[32 * 1024];
            for (int i = 0; i < 200; i++) {
                connection.jetStream().publish("replay.fleet.d" + (i % 20), position);
            }
            AtomicBoolean driving = new AtomicBoolean(true);
            AtomicLong stored = new AtomicLong(200);
            Thread fleet = Thread.ofPlatform().start(() -> { // a position every millisecond, as long as the replay runs
                while (driving.get()) {
                    connection.publish("replay.fleet.d" + stored.incrementAndGet() % 20, position);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                long before = stored.get();
                long replayed = assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                        FleetReplay.replay(connection, "FLEET_REPLAY_TEST", "replay.fleet.>", DeliverPolicy.All, message -> {
                            try {
                                Thread.sleep(2); // slower than the fleet: a replay that followed the end never caught it
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }));
                // what was stored as it began (200, and the few the fleet stored meanwhile), not the fleet since
                assertThat(replayed).isBetween(200L, before + 50);
            } finally {
                driving.set(false);
                fleet.join();
            }
        }
    }
}
