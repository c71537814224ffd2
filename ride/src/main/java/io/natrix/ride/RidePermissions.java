package io.natrix.ride;

import io.natrix.ride.geo.GeoService;
import io.natrix.testkit.NatsSecurity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each role of the ride system may publish and subscribe to on a secured NATS: the one table the secured
 * servers' users are generated from. A role serves its endpoints only in its own queue group (a plain
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
        return "_INBOX_" + role.label().replace('-', '_');
    }

    /** Every role's user, and the admin. */
    static Map<String, NatsSecurity.User> users() {
        Map<String, NatsSecurity.User> users = new LinkedHashMap<>();
        users.put(NatsSecurity.ADMIN, NatsSecurity.User.admin());
        for (RideRole role : RideRole.values()) {
            users.put(role.label(), user(role));
        }
        return users;
    }

    static NatsSecurity.User user(RideRole role) {
        List<String> publish = new ArrayList<>();
        // every instance keeps its recent traces and answers for them ({@code natrix trace ID}, the dashboard)
        List<String> subscribe = new ArrayList<>(List.of(inboxPrefix(role) + ".>", "$NATRIX.TRACE.*", "$NATRIX.TRACES"));
        switch (role) {
            case USERS -> {
                serves(subscribe, "users", "ms.users.*");
                publish.addAll(keyValue(RideStorage.USERS));
            }
            case GEO -> {
                serves(subscribe, "geo", "ms.geo.Nearby", "ms.geo.SetAvailability");
                subscribe.addAll(List.of("ms.geo.UpdatePoint.>", "ms.geo.Availability.>"));
                publish.add("ms.geo.Availability.*");
                publish.addAll(stream(RideStorage.GEO_FLEET));
                publish.addAll(stream(RideStorage.GEO_AVAILABILITY));
            }
            case ETA_QUICK -> serves(subscribe, "eta-quick", "ms.eta.Quick");
            case ETA_CAREFUL -> serves(subscribe, "eta-careful", "ms.eta.Careful");
            case DISPATCH -> {
                serves(subscribe, "dispatch", "ms.dispatch.*");
                publish.addAll(List.of("ms.geo.Nearby", "ms.eta.Quick", "ms.eta.Careful", "ms.geo.Availability.*",
                        "ms.riders.*.rides", "ms.drivers.*.offers", "ms.rides.*"));
                publish.addAll(stream(RideStorage.RIDES));
                publish.addAll(keyValue(RideStorage.DRIVER_CLAIMS));
            }
            case DASHBOARD -> {
                serves(subscribe, "dashboard", "ms.dashboard.Streets");
                subscribe.addAll(List.of("ms.geo.UpdatePoint.>", "ms.geo.Availability.>", "ms.rides.>"));
                // the panels ask every instance: its stats, its recent traces, a trace by id
                publish.addAll(List.of("ms.dashboard.Snapshot", "$NATRIX.TRACES", "$NATRIX.TRACE.*", "$SRV.INFO", "$SRV.STATS"));
            }
            case GATEWAY -> {
                subscribe.addAll(List.of("ms.drivers.*.offers", "ms.riders.*.rides", "ms.dashboard.Snapshot",
                        io.natrix.ride.api.RideApi.NEARBY_SHARED + ".>"));
                publish.add(io.natrix.ride.api.RideApi.NEARBY_SHARED + ".>");
                publish.addAll(List.of("ms.users.RegisterRider", "ms.users.RegisterDriver", "ms.users.GetUser",
                        "ms.dispatch.RequestRide", "ms.dispatch.GetRide", "ms.dispatch.CancelRide",
                        "ms.dispatch.AnswerOffer", "ms.dispatch.PickUp", "ms.dispatch.DropOff",
                        "ms.dispatch.NearbyDrivers", "ms.geo.SetAvailability", GeoService.BATCHES,
                        "ms.dashboard.Streets"));
            }
        }
        return NatsSecurity.User.allowing(publish, subscribe);
    }

    /** The service's endpoints in its queue group, and its discovery subjects. */
    private static void serves(List<String> subscribe, String service, String... endpoints) {
        for (String endpoint : endpoints) {
            subscribe.add(endpoint + " " + service);
        }
        subscribe.addAll(List.of("$SRV.PING", "$SRV.INFO", "$SRV.STATS", "$SRV.*." + service, "$SRV.*." + service + ".*"));
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
