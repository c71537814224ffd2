package io.natrix.ride.dispatch;

import io.natrix.testkit.NatsSecurity;

import io.natrix.ride.geo.GeoApi;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Dispatcher;
import io.natrix.Natrix;
import io.natrix.ServiceException;
import io.natrix.ride.Provision;
import io.natrix.ride.dispatch.RideMessages.AnswerOffer;
import io.natrix.ride.dispatch.RideMessages.CancelRide;
import io.natrix.ride.dispatch.RideMessages.DriverStep;
import io.natrix.ride.dispatch.RideMessages.GetRide;
import io.natrix.ride.dispatch.RideMessages.Offer;
import io.natrix.ride.dispatch.RideMessages.RequestRide;
import io.natrix.ride.dispatch.RideMessages.Ride;
import io.natrix.ride.dispatch.RideMessages.Status;
import io.natrix.ride.eta.EtaService;
import io.natrix.ride.geo.GeoIndex;
import io.natrix.ride.geo.GeoMessages.DriverPosition;
import io.natrix.ride.geo.GeoService;
import io.natrix.testkit.NatsServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Dispatch over real NATS with JetStream, with the real geo and ETA services. */
class DispatchTest {

    /** A fresh server, so a fresh ride ledger, for every test. */
    NatsServerProcess nats;

    static final ObjectMapper JSON = new ObjectMapper();
    static final DispatchConfig FAST = DispatchConfig.defaults().offerTimeout(Duration.ofSeconds(1)).matchingWindow(Duration.ofSeconds(4));

    Natrix services;
    Natrix client;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void startGeoAndEta() throws Exception {
        nats = NatsServerProcess.start(1, true, 0, NatsSecurity.temporary()).getFirst();
        Provision.storage(nats.url(), NatsSecurity.temporary(), 1);
        services = connect();
        client = connect();
        GeoService.start(services, new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis));
        EtaService.startQuick(services);
    }

    /** A connection to this test's server, as its admin. */
    Natrix connect() {
        return Natrix.builder().servers(nats.url())
                .credentials(NatsSecurity.temporary().seed(NatsSecurity.ADMIN)).trust(NatsSecurity.temporary().ca())
                .shutdownHook(false).connect();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        client.close();
        services.close();
        nats.stop();
    }

    Dispatch dispatch(Natrix natrix) {
        Dispatch dispatch = Dispatch.start(natrix, FAST);
        closing.add(dispatch);
        return dispatch;
    }

    void driverAt(String id, double lat, double lng) {
        client.publish(GeoApi.AVAILABILITY + "." + id, new DriverAvailability(id, true, System.currentTimeMillis()));
        client.publish(GeoApi.POSITIONS + "." + id, new DriverPosition(id, lat, lng, System.currentTimeMillis()));
    }

    Ride call(String endpoint, Object request) {
        return client.call("ms.dispatch." + endpoint, request, Ride.class, Duration.ofSeconds(5));
    }

    Ride awaitRide(String rideId, Predicate<Ride> condition) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> call("GetRide", new GetRide(rideId)), condition);
    }

    /** Drivers that answer every offer they get, the way the simulator's drivers will. */
    List<Offer> drivers(boolean accept, String... ids) {
        List<Offer> offers = new CopyOnWriteArrayList<>();
        Dispatcher inbox = client.nats().createDispatcher(message -> {
            try {
                Offer offer = JSON.readValue(message.getData(), Offer.class);
                offers.add(offer);
                String driverId = message.getSubject().split("\\.")[2];
                Thread.ofVirtual().start(() -> {
                    try {
                        call("AnswerOffer", new AnswerOffer(offer.rideId(), driverId, accept));
                    } catch (ServiceException ignored) {
                        // the offer expired or the ride was cancelled first
                    }
                });
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        for (String id : ids) {
            inbox.subscribe("ms.drivers." + id + ".offers");
        }
        closing.add(() -> client.nats().closeDispatcher(inbox));
        return offers;
    }

    @Test
    void aRiderRequestsTheNearestDriverAcceptsPicksUpAndCompletes() throws Exception {
        dispatch(services);
        List<Ride> riderStream = new CopyOnWriteArrayList<>();
        Dispatcher rider = client.nats().createDispatcher(m -> {
            try {
                riderStream.add(JSON.readValue(m.getData(), Ride.class));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        rider.subscribe("ms.riders.rider-1.rides");
        client.nats().flush(Duration.ofSeconds(1));
        driverAt("near", 32.0860, 34.7820);
        driverAt("far", 32.0950, 34.7900);
        List<Offer> offers = drivers(true, "near", "far");
        await().until(() -> client.call(GeoApi.NEARBY, new io.natrix.ride.geo.GeoMessages.NearbyRequest(32.0853, 34.7818, 3000, 10),
                io.natrix.ride.geo.GeoMessages.NearbyDrivers.class, Duration.ofSeconds(1)).drivers().size() == 2);

        Ride ride = call("RequestRide", new RequestRide("rider-1", 32.0853, 34.7818));
        assertThat(ride.status()).isEqualTo(Status.REQUESTED);
        Ride accepted = awaitRide(ride.rideId(), r -> r.status() == Status.ACCEPTED);
        assertThat(accepted.driverId()).isEqualTo("near");
        assertThat(offers).extracting(Offer::rideId).containsExactly(ride.rideId());

        assertThatThrownBy(() -> call("DropOff", new DriverStep(ride.rideId(), "near")))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(409));
        assertThat(call("PickUp", new DriverStep(ride.rideId(), "near")).status()).isEqualTo(Status.PICKED_UP);
        assertThat(call("DropOff", new DriverStep(ride.rideId(), "near")).status()).isEqualTo(Status.COMPLETED);
        await().until(() -> riderStream.size() >= 5);
        assertThat(riderStream).extracting(Ride::status).containsExactly(Status.REQUESTED, Status.OFFERED,
                Status.ACCEPTED, Status.PICKED_UP, Status.COMPLETED);
        assertThatThrownBy(() -> call("CancelRide", new CancelRide(ride.rideId(), "rider-1")))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(409));
        client.nats().closeDispatcher(rider);
    }

    @Test
    void aClaimLeftBehindByAFinishedRideIsTakenOver() throws Exception {
        dispatch(services);
        driverAt("left", 32.0856, 34.7819);
        drivers(true, "left");
        await().until(() -> client.call(GeoApi.NEARBY, new io.natrix.ride.geo.GeoMessages.NearbyRequest(32.0853, 34.7818, 3000, 10),
                io.natrix.ride.geo.GeoMessages.NearbyDrivers.class, Duration.ofSeconds(1)).drivers().size() == 1);
        Ride first = call("RequestRide", new RequestRide("rider-3", 32.0853, 34.7818));
        awaitRide(first.rideId(), r -> r.status() == Status.ACCEPTED);
        call("PickUp", new DriverStep(first.rideId(), "left"));
        call("DropOff", new DriverStep(first.rideId(), "left"));
        // a claim whose release never happened (as when it was made in a region that died before it answered):
        // held by a ride that is over
        client.nats().keyValue(DriverClaims.BUCKET).put("left", first.rideId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        driverAt("left", 32.0856, 34.7819); // free again, as its app says after a ride

        Ride second = call("RequestRide", new RequestRide("rider-4", 32.0853, 34.7818));
        assertThat(awaitRide(second.rideId(), r -> r.status() == Status.ACCEPTED).driverId()).isEqualTo("left");
    }

    @Test
    void aDeclineOrASilentDriverMovesTheOfferOnAndNobodyLeftMeansUnmatched() {
        dispatch(services);
        driverAt("decliner", 32.0855, 34.7819);
        driverAt("silent", 32.0870, 34.7830);
        drivers(false, "decliner");
        await().until(() -> client.call(GeoApi.NEARBY, new io.natrix.ride.geo.GeoMessages.NearbyRequest(32.0853, 34.7818, 3000, 10),
                io.natrix.ride.geo.GeoMessages.NearbyDrivers.class, Duration.ofSeconds(1)).drivers().size() == 2);
        Ride ride = call("RequestRide", new RequestRide("rider-2", 32.0853, 34.7818));
        Ride offeredToSilent = awaitRide(ride.rideId(), r -> r.status() == Status.OFFERED && "silent".equals(r.driverId()));
        assertThat(offeredToSilent.declinedBy()).containsExactly("decliner");
        Ride unmatched = awaitRide(ride.rideId(), r -> r.status() == Status.UNMATCHED);
        assertThat(unmatched.declinedBy()).containsExactly("decliner", "silent");
    }

    @Test
    void fiftyRidersAtOnceNearTwentyDriversOnTwoInstancesNeverDoubleAssign() throws Exception {
        Natrix second = connect();
        closing.add(second);
        dispatch(services);
        dispatch(second);
        String[] ids = new String[20];
        for (int i = 0; i < 20; i++) {
            ids[i] = "d" + i;
            driverAt(ids[i], 32.0853 + i * 1e-4, 34.7818);
        }
        drivers(true, ids);
        await().until(() -> client.call(GeoApi.NEARBY, new io.natrix.ride.geo.GeoMessages.NearbyRequest(32.0853, 34.7818, 3000, 50),
                io.natrix.ride.geo.GeoMessages.NearbyDrivers.class, Duration.ofSeconds(1)).drivers().size() == 20);
        List<String> rideIds = new ArrayList<>();
        try (var riders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Ride>> requests = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String rider = "rider-" + i;
                requests.add(riders.submit(() -> call("RequestRide", new RequestRide(rider, 32.0853, 34.7818))));
            }
            for (Future<Ride> request : requests) {
                rideIds.add(request.get().rideId());
            }
        }
        Map<String, Ride> settled = new HashMap<>();
        for (String rideId : rideIds) {
            settled.put(rideId, awaitRide(rideId, r -> r.status() == Status.ACCEPTED || r.status() == Status.UNMATCHED));
        }
        List<String> assignedDrivers = settled.values().stream().filter(r -> r.status() == Status.ACCEPTED).map(Ride::driverId).toList();
        assertThat(assignedDrivers).as("every driver took a ride, none took two").hasSize(20).doesNotHaveDuplicates();
        assertThat(settled.values()).filteredOn(r -> r.status() == Status.UNMATCHED).hasSize(30);
    }

    @Test
    void aRestartedInstanceResumesRidesFromTheStream() throws Exception {
        Natrix first = connect();
        Dispatch original = Dispatch.start(first, FAST.offerTimeout(Duration.ofSeconds(2)).matchingWindow(Duration.ofSeconds(30)));
        Ride waiting = call("RequestRide", new RequestRide("rider-9", 32.0853, 34.7818)); // no driver yet
        original.close();
        first.close();

        driverAt("late", 32.0856, 34.7820);
        drivers(true, "late");
        Natrix restarted = connect();
        closing.add(restarted);
        dispatch(restarted);
        assertThat(call("GetRide", new GetRide(waiting.rideId())).status()).as("rebuilt from the stream").isEqualTo(Status.REQUESTED);
        Ride resumed = awaitRide(waiting.rideId(), r -> r.status() == Status.ACCEPTED);
        assertThat(resumed.driverId()).isEqualTo("late");
    }
}
