package io.natrix.ride;

import io.natrix.Contract;
import io.natrix.ride.dashboard.DashboardApi;
import io.natrix.ride.dispatch.DispatchApi;
import io.natrix.ride.eta.EtaApi;
import io.natrix.ride.geo.GeoApi;
import io.natrix.ride.users.UsersApi;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ride services' contracts are the system's one table of subjects: the wire names other clients (the CLI,
 * an app in Go) already use stay what they were, and each role's permissions serve exactly its contract's
 * endpoints, in its own queue group.
 */
class RideContractsTest {

    @Test
    void theContractsKeepTheWireNamesOfTheSystem() {
        assertThat(UsersApi.SUBJECTS.all()).containsExactly("ms.users.CreateUser", "ms.users.GetUser",
                "ms.users.RegisterDriver", "ms.users.RegisterRider", "ms.users.UpdateUser");
        assertThat(GeoApi.SUBJECTS.all()).containsExactly("ms.geo.Nearby", "ms.geo.SetAvailability");
        assertThat(List.of(EtaApi.QUICK, EtaApi.CAREFUL)).containsExactly("ms.eta.Quick", "ms.eta.Careful");
        assertThat(DispatchApi.SUBJECTS.all()).containsExactly("ms.dispatch.AnswerOffer", "ms.dispatch.CancelRide",
                "ms.dispatch.DropOff", "ms.dispatch.GetRide", "ms.dispatch.NearbyDrivers", "ms.dispatch.PickUp",
                "ms.dispatch.RequestRide");
        assertThat(DashboardApi.SUBJECTS.all()).containsExactly("ms.dashboard.Streets");
        assertThat(List.of(GeoApi.POSITIONS_OF_DRIVER, GeoApi.BATCHES, GeoApi.availabilityOf("d1"),
                DispatchApi.offersTo("d1"), DispatchApi.ridesOf("r1"), DispatchApi.EVENTS, DashboardApi.SNAPSHOTS))
                .containsExactly("ms.geo.UpdatePoint.{driverId}", "ms.geo.UpdatePoint.batch", "ms.geo.Availability.d1",
                        "ms.drivers.d1.offers", "ms.riders.r1.rides", "ms.rides", "ms.dashboard.Snapshot");
    }

    @Test
    void eachRoleServesExactlyItsContractInItsOwnQueueGroup() {
        Map<RideRole, Contract.Subjects> contracts = Map.of(RideRole.USERS, UsersApi.SUBJECTS, RideRole.GEO, GeoApi.SUBJECTS,
                RideRole.ETA_QUICK, Contract.Subjects.of(EtaApi.Quick.class),
                RideRole.ETA_CAREFUL, Contract.Subjects.of(EtaApi.Careful.class),
                RideRole.DISPATCH, DispatchApi.SUBJECTS, RideRole.DASHBOARD, DashboardApi.SUBJECTS);
        contracts.forEach((role, contract) -> {
            assertThat(contract.service()).isEqualTo(role.label());
            List<String> served = RidePermissions.user(role).subscribe().stream().filter(s -> s.contains(" ")).toList();
            List<String> expected = new java.util.ArrayList<>(contract.all().stream().map(s -> s + " " + role.label()).toList());
            if (role == RideRole.GEO) { // sharded by region, each region's shard of Nearby (GeoRegions)
                expected.add(GeoApi.NEARBY + ".* geo");
            }
            assertThat(served).as(role.label()).containsExactlyInAnyOrderElementsOf(expected);
        });
        assertThat(RidePermissions.user(RideRole.GATEWAY).subscribe()).noneMatch(s -> s.contains(" "));
    }

    @Test
    void theGatewayMayAskWhatItsRoutesAskAndDispatchWhatItCalls() {
        assertThat(RidePermissions.user(RideRole.GATEWAY).publish()).contains(UsersApi.REGISTER_RIDER, UsersApi.GET_USER,
                DispatchApi.REQUEST_RIDE, DispatchApi.NEARBY_DRIVERS, GeoApi.SET_AVAILABILITY, GeoApi.BATCHES, DashboardApi.STREETS)
                .doesNotContain(UsersApi.SUBJECTS.of("CreateUser"), UsersApi.SUBJECTS.of("UpdateUser"), GeoApi.NEARBY);
        assertThat(RidePermissions.user(RideRole.DISPATCH).publish()).contains(GeoApi.NEARBY, GeoApi.NEARBY + ".*", EtaApi.QUICK,
                EtaApi.CAREFUL, DispatchApi.offersTo("*"), DispatchApi.ridesOf("*"));
        assertThat(RidePermissions.user(RideRole.GATEWAY).publish()).as("sharded by region")
                .contains(GeoApi.POSITIONS + ".*.batch", io.natrix.ride.geo.GeoRegions.RING + ".*.batch");
        var regions = io.natrix.ride.geo.GeoRegions.parse("north:32,34,33,36;south:31,34,32,36");
        assertThat(RidePermissions.user(RideRole.GEO, java.util.Optional.of(regions)).publish()).as("each region's fleet stream")
                .contains("$JS.API.STREAM.INFO.GEO_FLEET_north", "$JS.API.CONSUMER.CREATE.GEO_FLEET_south.>");
        assertThat(RidePermissions.user(RideRole.GEO).publish()).noneMatch(subject -> subject.contains("GEO_FLEET_"));
    }
}
