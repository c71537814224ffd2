package io.natrix.ride.geo;

import io.natrix.Natrix;
import io.natrix.ride.RideStorage;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;
import io.natrix.ride.geo.GeoMessages.DriverPosition;
import io.natrix.ride.geo.GeoMessages.NearbyDriver;
import io.natrix.ride.geo.GeoMessages.NearbyDrivers;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;
import io.natrix.ride.geo.GeoMessages.SetAvailability;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsSupercluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Geo sharded by place on a secured supercluster of two regions, north and south of latitude 32: each region's
 * geo instance hears its own region's positions and its border ring, not the rest; a rider on the border is
 * answered with the drivers of both sides within its radius, by its point's region, asked from either region.
 */
class GeoShardsTest {

    static final GeoRegions REGIONS = GeoRegions.parse("north:32.0,34.0,33.0,36.0;south:31.0,34.0,32.0,36.0");

    @TempDir
    static Path keys;

    static NatsSecurity security;
    static NatsSupercluster world;
    static final List<Natrix> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        security = NatsSecurity.generate(keys, Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()));
        world = NatsSupercluster.start(List.of("north", "south"), 2, Optional.empty(), true, Optional.of(security));
        try (Natrix admin = in("north")) {
            RideStorage.provision(admin.nats(), 1, Optional.of(REGIONS));
        }
        for (String region : world.regions()) {
            GeoService.start(in(region), new GeoIndex(Duration.ofSeconds(60), System::currentTimeMillis),
                    Optional.of(REGIONS.named(region)));
        }
    }

    @AfterAll
    static void stop() {
        opened.forEach(Natrix::close);
        if (world != null) {
            world.close();
        }
    }

    static Natrix in(String region) {
        Natrix natrix = Natrix.builder().servers(world.servers(region)).region(region).shutdownHook(false)
                .drainTimeout(Duration.ofSeconds(1)).credentials(security.seed(NatsSecurity.ADMIN)).trust(security.ca()).connect();
        opened.add(natrix);
        return natrix;
    }

    /** What a gateway does with a driver's position ({@code PositionRegions}): into each batch its place names. */
    static void drive(Natrix gateway, String driverId, double lat, double lng) throws Exception {
        byte[] line = Natrix.defaultObjectMapper().writeValueAsBytes(new DriverPosition(driverId, lat, lng, System.currentTimeMillis()));
        for (String subject : REGIONS.batchSubjects(lat, lng)) {
            gateway.publish(subject, (new String(line, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    static List<String> nearby(Natrix asker, String subject, double lat, double lng) {
        return asker.call(subject, new NearbyRequest(lat, lng, 10_000, 50), NearbyDrivers.class, Duration.ofSeconds(2))
                .drivers().stream().map(NearbyDriver::driverId).toList();
    }

    @Test
    void aRiderOnTheBorderSeesTheDriversOfBothSidesAndEachShardHoldsOnlyItsRegionAndRing() throws Exception {
        Natrix northGateway = in("north");
        Natrix southGateway = in("south");
        // about 3.3 km either side of the border, and 66 km inside each region
        drive(northGateway, "north-near", 32.03, 35.0);
        drive(southGateway, "south-near", 31.97, 35.0);
        drive(northGateway, "north-far", 32.6, 35.0);
        drive(southGateway, "south-far", 31.4, 35.0);
        for (String driver : List.of("north-near", "south-near", "north-far", "south-far")) {
            northGateway.call(GeoApi.SET_AVAILABILITY, new SetAvailability(driver, true), DriverAvailability.class, Duration.ofSeconds(2));
        }

        for (Natrix asker : List.of(northGateway, southGateway)) { // asked from either region, answered by the point's
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(nearby(asker, REGIONS.nearbySubject(31.999, 35.0), 31.999, 35.0))
                        .as("a rider just south of the border").containsExactlyInAnyOrder("south-near", "north-near");
                assertThat(nearby(asker, REGIONS.nearbySubject(32.001, 35.0), 32.001, 35.0))
                        .as("a rider just north of it").containsExactlyInAnyOrder("north-near", "south-near");
            });
        }
        assertThat(nearby(southGateway, REGIONS.nearbySubject(32.6, 35.0), 32.6, 35.0)).containsExactly("north-far");
        assertThat(nearby(northGateway, GeoRegions.nearbySubject(REGIONS.named("south")), 32.6, 35.0))
                .as("south's shard never heard of a driver deep in the north").isEmpty();
        assertThat(nearby(southGateway, GeoRegions.nearbySubject(REGIONS.named("north")), 31.4, 35.0))
                .as("nor north's of one deep in the south").isEmpty();

        // each region's positions stored in its own cluster, for its geo instances' replay: nothing crosses to be kept
        var streams = northGateway.nats().jetStreamManagement();
        for (String region : world.regions()) {
            var fleet = streams.getStreamInfo(RideStorage.fleetOf(REGIONS.named(region)));
            assertThat(fleet.getClusterInfo().getName()).isEqualTo(region);
            assertThat(fleet.getStreamState().getMsgCount()).as(region + "'s positions").isEqualTo(2);
        }
        assertThat(streams.getStreamNames()).doesNotContain(RideStorage.GEO_FLEET, RideStorage.RIDES, "KV_" + RideStorage.USERS,
                "KV_" + RideStorage.DRIVER_CLAIMS);
        for (String region : world.regions()) { // and so are its rides, users and drivers' claims (RegionalDataTest)
            for (String own : List.of(RideStorage.ofRegion(RideStorage.RIDES, region), "KV_" + RideStorage.ofRegion(RideStorage.USERS, region),
                    "KV_" + RideStorage.ofRegion(RideStorage.DRIVER_CLAIMS, region))) {
                assertThat(streams.getStreamInfo(own).getClusterInfo().getName()).as(own).isEqualTo(region);
            }
        }
        assertThat(streams.getStreamInfo(RideStorage.GEO_AVAILABILITY).getClusterInfo().getName())
                .as("the availability changes, one stream: in the first region given").isEqualTo("north");
    }
}
