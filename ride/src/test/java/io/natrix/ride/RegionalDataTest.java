package io.natrix.ride;

import io.natrix.JetStreamDefaults;
import io.natrix.Natrix;
import io.natrix.ServiceException;
import io.natrix.ride.dispatch.Dispatch;
import io.natrix.ride.dispatch.DispatchApi;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.dispatch.RideMessages.GetRide;
import io.natrix.ride.dispatch.RideMessages.RequestRide;
import io.natrix.ride.dispatch.RideMessages.Ride;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.ride.users.UserMessages.GetUser;
import io.natrix.ride.users.UserMessages.Register;
import io.natrix.ride.users.UserMessages.Registered;
import io.natrix.ride.users.UserMessages.UpdateUser;
import io.natrix.ride.users.UserMessages.User;
import io.natrix.ride.users.UsersApi;
import io.natrix.ride.users.UsersService;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.testkit.NatsSupercluster;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamInfoOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The ride system's data per region on a secured supercluster of two regions, each role connected as its own user
 * with the regional permissions of {@link RidePermissions}: a user is kept in the region it signed up in and found
 * from the other (a traveller); a ride in the region whose dispatch took it, known to either region's dispatch; and a
 * region whose whole NATS cluster is lost takes only its own users and rides with it (the last test: it kills it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegionalDataTest {

    static final GeoRegions REGIONS = GeoRegions.parse("north:32.0,34.0,33.0,36.0;south:31.0,34.0,32.0,36.0");
    static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    static Path keys;

    static NatsSecurity security;
    static NatsSupercluster world;
    static final List<Natrix> opened = new ArrayList<>();
    static final List<AutoCloseable> services = new ArrayList<>();
    /** Each region's caller, connected as a gateway is. */
    static Natrix north;
    static Natrix south;
    /** What the tests look at the streams with: the admin, in the south. */
    static Natrix admin;

    @BeforeAll
    static void start() throws Exception {
        security = NatsSecurity.generate(keys, RidePermissions.users(Optional.of(REGIONS)));
        world = NatsSupercluster.start(List.of("north", "south"), 2, Optional.empty(), true, Optional.of(security));
        admin = connect("south", NatsSecurity.ADMIN, Optional.empty());
        RideStorage.provision(admin.nats(), 1, Optional.of(REGIONS));
        for (String region : world.regions()) {
            services.add(UsersService.start(connect(region, RideRole.USERS), Optional.empty(), Optional.of(REGIONS.named(region)), REGIONS));
            services.add(Dispatch.start(connect(region, RideRole.DISPATCH), DispatchConfig.defaults().matchingWindow(Duration.ofSeconds(2))
                    .regions(Optional.of(REGIONS)).region(Optional.of(region))));
        }
        north = connect("north", RideRole.GATEWAY);
        south = connect("south", RideRole.GATEWAY);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable service : services) {
            service.close();
        }
        opened.forEach(Natrix::close);
        if (world != null) {
            world.close();
        }
    }

    static Natrix connect(String region, RideRole role) {
        return connect(region, role.label(), Optional.of(RidePermissions.inboxPrefix(role)));
    }

    static Natrix connect(String region, String user, Optional<String> inboxPrefix) {
        Natrix.Builder builder = Natrix.builder().servers(world.servers(region)).region(region).connectionName(user)
                .shutdownHook(false).drainTimeout(Duration.ofSeconds(1)).credentials(security.seed(user)).trust(security.ca());
        inboxPrefix.ifPresent(builder::inboxPrefix);
        Natrix natrix = builder.connect();
        opened.add(natrix);
        return natrix;
    }

    static Registered signUp(Natrix caller, String name) {
        return caller.call(UsersApi.REGISTER_RIDER, new Register(name, "+972 50 1234567"), Registered.class, WAIT);
    }

    static JetStreamManagement streams() throws Exception {
        return admin.nats().jetStreamManagement(JetStreamDefaults.jetStream());
    }

    @Test
    @Order(1)
    void aUserIsKeptInTheRegionItSignedUpInAndFoundAndChangedFromTheOther() throws Exception {
        Registered dana = signUp(north, "Dana");
        assertThat(dana.id()).as("a user's id says its home").startsWith("north_");
        assertThat(HomeRegion.of(dana.id())).contains("north");
        String northUsers = "KV_" + RideStorage.ofRegion(RideStorage.USERS, "north");
        assertThat(streams().getStreamInfo(northUsers).getClusterInfo().getName()).isEqualTo("north");
        assertThat(streams().getStreamInfo(northUsers, StreamInfoOptions.filterSubjects("$KV.*." + dana.id())).getStreamState().getMsgCount())
                .isEqualTo(1);

        // a traveller: asked in the south (its own users instance answers), found in the north's bucket, one copy
        User found = south.call(UsersApi.GET_USER, new GetUser(dana.id()), User.class, WAIT);
        assertThat(found.name()).isEqualTo("Dana");
        // (no HTTP route changes a user: the admin asks, in the south)
        User renamed = admin.call(UsersApi.SUBJECTS.of("UpdateUser"), new UpdateUser(dana.id(), "Dana R", null), User.class, WAIT);
        assertThat(north.call(UsersApi.GET_USER, new GetUser(dana.id()), User.class, WAIT).name()).isEqualTo(renamed.name()).isEqualTo("Dana R");
        assertThat(streams().getStreamInfo("KV_" + RideStorage.ofRegion(RideStorage.USERS, "south"),
                StreamInfoOptions.filterSubjects("$KV.*." + dana.id())).getStreamState().getMsgCount()).as("no copy in the south").isZero();

        assertThat(signUp(south, "Eli").id()).startsWith("south_");
        assertThatThrownBy(() -> south.call(UsersApi.GET_USER, new GetUser("mars_" + java.util.UUID.randomUUID()), User.class, WAIT))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(404));
    }

    @Test
    @Order(2)
    void aRideIsKeptInTheRegionWhoseDispatchTookItAndKnownToEitherRegionsDispatch() throws Exception {
        String rider = signUp(south, "Noa").id();
        // asked in the north (a traveller, picked up in the south): kept in the north's stream, answered from either region
        Ride ride = north.call(DispatchApi.REQUEST_RIDE, new RequestRide(rider, 31.5, 35.0), Ride.class, WAIT);
        assertThat(ride.rideId()).startsWith("north_");
        String northRides = RideStorage.ofRegion(RideStorage.RIDES, "north");
        assertThat(streams().getStreamInfo(northRides).getClusterInfo().getName()).isEqualTo("north");
        assertThat(streams().getStreamInfo(northRides, StreamInfoOptions.filterSubjects(DispatchApi.EVENTS + ".north." + ride.rideId()))
                .getStreamState().getMsgCount()).isPositive();
        assertThat(streams().getStreamInfo(RideStorage.ofRegion(RideStorage.RIDES, "south")).getStreamState().getMsgCount()).isZero();
        for (Natrix asker : List.of(north, south)) {
            assertThat(asker.call(DispatchApi.GET_RIDE, new GetRide(ride.rideId()), Ride.class, WAIT).riderId()).isEqualTo(rider);
        }
    }

    @Test
    @Order(3)
    void aRegionsLostClusterTakesOnlyItsOwnUsersAndRidesWithIt() throws Exception {
        String northUser = signUp(north, "Tal").id();
        String southUser = signUp(south, "Omer").id();
        world.region("north").forEach(NatsServerProcess::kill);
        try {
            // the south goes on: its users sign up and are read, its rides are requested and read
            String newcomer = signUp(south, "Yael").id();
            assertThat(south.call(UsersApi.GET_USER, new GetUser(southUser), User.class, WAIT).name()).isEqualTo("Omer");
            // picked up just north of the border (32.05° N): kept in the south, whose dispatch took it
            Ride ride = south.call(DispatchApi.REQUEST_RIDE, new RequestRide(newcomer, 32.05, 35.1), Ride.class, WAIT);
            assertThat(ride.rideId()).startsWith("south_");
            assertThat(south.call(DispatchApi.GET_RIDE, new GetRide(ride.rideId()), Ride.class, WAIT).rideId()).isEqualTo(ride.rideId());
            // a user at home in the north is unavailable while it is lost, and said so
            assertThatThrownBy(() -> south.call(UsersApi.GET_USER, new GetUser(northUser), User.class, WAIT))
                    .isInstanceOfSatisfying(ServiceException.class, e -> {
                        assertThat(e.code()).isEqualTo(503);
                        assertThat(e.getMessage()).contains("north");
                    });
        } finally {
            world.restart("north");
        }
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                assertThat(south.call(UsersApi.GET_USER, new GetUser(northUser), User.class, WAIT).name()).isEqualTo("Tal"));
    }
}
