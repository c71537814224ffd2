package io.natrix.ride;

import io.natrix.Contract;
import io.natrix.ride.api.RideApi;
import io.natrix.ride.dashboard.DashboardApi;
import io.natrix.ride.dispatch.DispatchApi;
import io.natrix.ride.eta.EtaApi;
import io.natrix.ride.geo.GeoApi;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.ride.users.UsersApi;
import io.natrix.testkit.NatsSecurity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each role of the ride system may publish and subscribe to on a secured NATS: the one table the secured
 * servers' users are generated from, written with the subjects each service's contract owns ({@link UsersApi},
 * {@link GeoApi}, {@link EtaApi}, {@link DispatchApi}, {@link DashboardApi}). A role serves its endpoints only in its own queue group (a plain
 * subscription, which would take a copy of every request, is refused), hears the broadcasts it listens to,
 * publishes what it must, answers requests it received ({@code allow_responses}) and reads replies only on its
 * own inbox prefix ({@link #inboxPrefix}). Nobody but the admin touches {@code $SYS} or another role's streams.
 *
 * <p>Derived by test, not by guessing: {@code RidePermissionsTest} runs the whole system with simulated riders
 * and drivers on a secured server and requires 0 permission violations on every connection. The streams and
 * buckets are the admin's to create ({@link RideStorage#provision}); a service only uses its own.
 */
final class RidePermissions {

    private RidePermissions() {
    }

    /** The reply prefix of a role's connection: {@code _INBOX_dispatch}. */
    static String inboxPrefix(RideRole role) {
        return NatsSecurity.User.inboxPrefix(role.label());
    }

    /** Every role's user, and the admin. */
    static Map<String, NatsSecurity.User> users() {
        return users(Optional.empty());
    }

    /**
     * The same, with the system in regions: each role may use every region's streams and buckets it needs (geo each
     * region's fleet, users each region's users, dispatch each region's rides and drivers' claims).
     */
    static Map<String, NatsSecurity.User> users(Optional<GeoRegions> regions) {
        Map<String, NatsSecurity.User> users = new LinkedHashMap<>();
        users.put(NatsSecurity.ADMIN, NatsSecurity.User.admin());
        for (RideRole role : RideRole.values()) {
            users.put(role.label(), user(role, regions));
        }
        return users;
    }

    static NatsSecurity.User user(RideRole role) {
        return user(role, Optional.empty());
    }

    static NatsSecurity.User user(RideRole role, Optional<GeoRegions> regions) {
        List<String> publish = new ArrayList<>();
        // every instance keeps its recent traces and answers for them ({@code natrix trace ID}, the dashboard)
        List<String> subscribe = new ArrayList<>(List.of(inboxPrefix(role) + ".>", "$NATRIX.TRACE.*", "$NATRIX.TRACES"));
        switch (role) {
            case USERS -> {
                serves(subscribe, UsersApi.SUBJECTS);
                publish.addAll(keyValue(RideStorage.USERS));
                // with regions, a users instance reads and changes users at home in every region (HomeRegion)
                eachRegion(regions, RideStorage.USERS, publish::addAll, RidePermissions::keyValue);
            }
            case GEO -> {
                serves(subscribe, GeoApi.SUBJECTS);
                // sharded by region (GeoRegions): its region's nearby questions, and the ring its neighbours' gateways fill
                subscribe.addAll(List.of(GeoApi.NEARBY + ".* " + GeoApi.SUBJECTS.service(), GeoRegions.RING + ".>",
                        GeoApi.POSITIONS + ".>", GeoApi.AVAILABILITY + ".>"));
                publish.add(GeoApi.availabilityOf("*"));
                publish.addAll(stream(RideStorage.GEO_FLEET));
                regions.map(GeoRegions::regions).orElse(List.of()).forEach(region -> publish.addAll(stream(RideStorage.fleetOf(region))));
                publish.addAll(stream(RideStorage.GEO_AVAILABILITY));
            }
            case ETA_QUICK -> serves(subscribe, Contract.Subjects.of(EtaApi.Quick.class));
            case ETA_CAREFUL -> serves(subscribe, Contract.Subjects.of(EtaApi.Careful.class));
            case DISPATCH -> {
                serves(subscribe, DispatchApi.SUBJECTS);
                publish.addAll(List.of(GeoApi.NEARBY, GeoApi.NEARBY + ".*", EtaApi.QUICK, EtaApi.CAREFUL, GeoApi.availabilityOf("*"),
                        DispatchApi.ridesOf("*"), DispatchApi.offersTo("*"), DispatchApi.EVENTS + ".>"));
                publish.addAll(stream(RideStorage.RIDES));
                publish.addAll(keyValue(RideStorage.DRIVER_CLAIMS));
                // with regions, every region's rides (each instance folds them all) and drivers' claims
                eachRegion(regions, RideStorage.RIDES, publish::addAll, RidePermissions::stream);
                eachRegion(regions, RideStorage.DRIVER_CLAIMS, publish::addAll, RidePermissions::keyValue);
            }
            case DASHBOARD -> {
                serves(subscribe, DashboardApi.SUBJECTS);
                subscribe.addAll(List.of(GeoApi.POSITIONS + ".>", GeoApi.AVAILABILITY + ".>", DispatchApi.EVENTS + ".>"));
                // the panels ask every instance: its stats, its recent traces, a trace by id
                publish.addAll(List.of(DashboardApi.SNAPSHOTS, "$NATRIX.TRACES", "$NATRIX.TRACE.*", "$SRV.INFO", "$SRV.STATS"));
            }
            case GATEWAY -> {
                // what its routes stream to riders, drivers and the dashboard page, and the shared nearby answers
                subscribe.addAll(List.of(DispatchApi.offersTo("*"), DispatchApi.ridesOf("*"), DashboardApi.SNAPSHOTS,
                        RideApi.NEARBY_SHARED + ".>"));
                publish.add(RideApi.NEARBY_SHARED + ".>");
                // what its routes ask (RideApi, the dashboard's routes) and the drivers' positions it gathers
                publish.addAll(List.of(UsersApi.REGISTER_RIDER, UsersApi.REGISTER_DRIVER, UsersApi.GET_USER,
                        DispatchApi.REQUEST_RIDE, DispatchApi.GET_RIDE, DispatchApi.CANCEL_RIDE,
                        DispatchApi.ANSWER_OFFER, DispatchApi.PICK_UP, DispatchApi.DROP_OFF,
                        DispatchApi.NEARBY_DRIVERS, GeoApi.SET_AVAILABILITY, GeoApi.BATCHES, DashboardApi.STREETS));
                // sharded by region (GeoRegions): each region's batches and the neighbours' rings
                publish.addAll(List.of(GeoApi.POSITIONS + ".*.batch", GeoRegions.RING + ".*.batch"));
            }
        }
        return NatsSecurity.User.allowing(publish, subscribe);
    }

    /** The contract's endpoints, each only in the service's queue group, and its discovery subjects. */
    private static void serves(List<String> subscribe, Contract.Subjects contract) {
        subscribe.addAll(NatsSecurity.User.serving(contract.service(), contract.all()));
    }

    private static void eachRegion(Optional<GeoRegions> regions, String name, java.util.function.Consumer<List<String>> allow,
                                   java.util.function.Function<String, List<String>> use) {
        regions.map(GeoRegions::regions).orElse(List.of()).forEach(region -> allow.accept(use.apply(RideStorage.ofRegion(name, region.name()))));
    }

    /**
     * Use of one JetStream stream the admin provisioned ({@link RideStorage}): read its state, consume it, store
     * in it. Creating, changing, purging or deleting a stream is the admin's alone.
     */
    private static List<String> stream(String name) {
        return List.of("$JS.API.STREAM.INFO." + name, "$JS.API.CONSUMER.CREATE." + name, "$JS.API.CONSUMER.CREATE." + name + ".>",
                "$JS.API.CONSUMER.DELETE." + name + ".>", "$JS.API.CONSUMER.INFO." + name + ".>");
    }

    /** Use of one key-value bucket the admin provisioned: read and write its keys. */
    private static List<String> keyValue(String bucket) {
        List<String> subjects = new ArrayList<>(stream("KV_" + bucket));
        subjects.addAll(List.of("$KV." + bucket + ".>", "$JS.API.DIRECT.GET.KV_" + bucket + ".>",
                "$JS.API.STREAM.MSG.GET.KV_" + bucket));
        return subjects;
    }
}
