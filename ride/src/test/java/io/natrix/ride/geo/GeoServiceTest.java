package io.natrix.ride.geo;

import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.ride.Provision;
import io.natrix.ServiceException;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;
import io.natrix.ride.geo.GeoMessages.DriverPosition;
import io.natrix.ride.geo.GeoMessages.SetAvailability;
import io.natrix.ride.geo.GeoMessages.NearbyDriver;
import io.natrix.ride.geo.GeoMessages.NearbyDrivers;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The geo service over real NATS with JetStream: broadcast positions, Nearby, and a late instance. */
class GeoServiceTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    @BeforeAll
    static void provision() {
        Provision.storage(nats, 1);
    }

    static Natrix connect() {
        return Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    static NearbyDrivers nearby(Natrix natrix, double lat, double lng, double radius) {
        return natrix.call(GeoApi.NEARBY, new NearbyRequest(lat, lng, radius, 50), NearbyDrivers.class, Duration.ofSeconds(2));
    }

    @Test
    void everyInstanceHearsThePositionsAndAnswersNearbyNearestFirst() {
        try (Natrix first = connect(); Natrix second = connect(); Natrix drivers = connect()) {
            GeoService.start(first, new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis));
            GeoService.start(second, new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis));
            long now = System.currentTimeMillis();
            drivers.publish(GeoApi.POSITIONS + ".near", new DriverPosition("near", 32.0800, 34.7800, now));
            drivers.publish(GeoApi.POSITIONS + ".far", new DriverPosition("far", 32.0850, 34.7850, now));
            drivers.publish(GeoApi.POSITIONS + ".away", new DriverPosition("away", 32.2000, 34.9000, now));
            drivers.publish(GeoApi.POSITIONS + ".silent", new DriverPosition("silent", 32.0801, 34.7801, now));
            for (String online : List.of("near", "far", "away")) { // "silent" never says it takes rides
                drivers.call("ms.geo.SetAvailability", new SetAvailability(online, true), DriverAvailability.class, Duration.ofSeconds(2));
            }
            await().until(() -> nearby(drivers, 32.08, 34.78, 2_000).drivers().size() == 2
                    && nearby(drivers, 32.08, 34.78, 2_000).drivers().size() == 2); // both instances, balanced
            assertThat(nearby(drivers, 32.08, 34.78, 2_000).drivers()).extracting(NearbyDriver::driverId)
                    .containsExactly("near", "far");

            drivers.call("ms.geo.SetAvailability", new SetAvailability("near", false), DriverAvailability.class, Duration.ofSeconds(2));
            await().until(() -> nearby(drivers, 32.08, 34.78, 2_000).drivers().size() == 1
                    && nearby(drivers, 32.08, 34.78, 2_000).drivers().size() == 1);
            // a bad radius is refused as the request is made, and by the service when it comes as JSON
            assertThatThrownBy(() -> nearby(drivers, 32.08, 34.78, -1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("radiusMeters must be a number from 100 to 10000, got -1");
            assertThatThrownBy(() -> drivers.call(GeoApi.NEARBY, "{\"lat\":32.08,\"lng\":34.78,\"radiusMeters\":-1,\"limit\":5}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), byte[].class, Duration.ofSeconds(2)))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(400));
        }
    }

    @Test
    void anInstanceStartedLateServesTheWholeFleetFromItsFirstAnswer() {
        Natrix early = connect();
        try (Natrix drivers = connect()) {
            GeoService.start(early, new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis)); // creates the stream
            long now = System.currentTimeMillis();
            for (int i = 0; i < 500; i++) {
                drivers.publish(GeoApi.AVAILABILITY + ".late-" + i, new DriverAvailability("late-" + i, true, now));
                for (int tick = 0; tick < 3; tick++) { // only the last position per driver is kept
                    drivers.publish(GeoApi.POSITIONS + ".late-" + i,
                            new DriverPosition("late-" + i, 32.06 + i * 1e-5, 34.77 + tick * 1e-5, now + tick));
                }
            }
            drivers.publish(GeoApi.AVAILABILITY + ".late-0", new DriverAvailability("late-0", false, now + 10));
            await().until(() -> nearby(drivers, 32.0625, 34.77, 3_000).drivers().size() == 50);
            early.close();

            try (Natrix late = connect()) {
                GeoIndex index = new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis);
                GeoService.start(late, index);
                assertThat(index.size()).as("replayed before serving").isGreaterThanOrEqualTo(500);
                assertThat(nearby(drivers, 32.06, 34.77, 500).drivers()).as("each one's availability replayed too")
                        .extracting(NearbyDriver::driverId).contains("late-1", "late-2");
                NearbyDrivers answer = nearby(drivers, 32.06, 34.77, 500);
                assertThat(answer.drivers()).extracting(NearbyDriver::driverId).doesNotContain("late-0").hasSize(50);
                assertThat(answer.drivers().getFirst().lng()).as("the last position").isEqualTo(34.77002);
            }
        } finally {
            early.close();
        }
    }

    @Test
    void aGatewaysBatchIsReadLineByLineABadLineCostingOnlyItselfAndALateInstanceReplaysIt() {
        try (Natrix geo = connect(); Natrix gateway = connect()) {
            Service first = GeoService.start(geo, new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis));
            long now = System.currentTimeMillis();
            for (String online : List.of("batch-1", "batch-2", "batch-3")) {
                gateway.call("ms.geo.SetAvailability", new SetAvailability(online, true), DriverAvailability.class, Duration.ofSeconds(2));
            }
            String batch = "{\"driverId\":\"batch-1\",\"lat\":31.5000,\"lng\":34.5000,\"at\":" + now + "}\n"
                    + "{\"driverId\":\"batch-2\",\"lat\":500,\"lng\":34.5000}\n" // out of range: refused alone
                    + "\n"
                    + "{\"driverId\":\"batch-3\",\"lat\":31.5010,\"lng\":34.5010,\"at\":" + now + "}\n";
            gateway.publish(GeoApi.BATCHES, batch.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            await().until(() -> nearby(gateway, 31.5, 34.5, 1_000).drivers().size() == 2);
            assertThat(nearby(gateway, 31.5, 34.5, 1_000).drivers()).extracting(NearbyDriver::driverId)
                    .containsExactly("batch-1", "batch-3");
            await().until(() -> first.listeners().stream().filter(l -> l.subject().startsWith(GeoApi.POSITIONS))
                    .mapToLong(l -> l.errors()).sum() == 1); // the bad line is counted, once, as the batch's failure

            try (Natrix late = connect()) {
                GeoIndex index = new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis);
                GeoService.start(late, index);
                assertThat(index.nearby(31.5, 34.5, 1_000, 10)).as("replayed from the stored batch")
                        .extracting(NearbyDriver::driverId).containsExactly("batch-1", "batch-3");
            }
        }
    }
}
