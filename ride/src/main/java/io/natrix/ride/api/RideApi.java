package io.natrix.ride.api;

import io.natrix.ride.geo.GeoApi;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.Actor;
import io.natrix.gateway.Access;
import io.natrix.gateway.Gateway;
import io.natrix.gateway.Route;
import io.natrix.gateway.StreamRoute;

import io.natrix.ride.dispatch.DispatchApi;
import io.natrix.ride.dispatch.RideMessages.AnswerOffer;
import io.natrix.ride.dispatch.RideMessages.CancelRide;
import io.natrix.ride.dispatch.RideMessages.DriverStep;
import io.natrix.ride.dispatch.RideMessages.GetRide;
import io.natrix.ride.dispatch.RideMessages.RequestRide;
import io.natrix.ride.geo.GeoMessages.DriverPosition;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;
import io.natrix.ride.geo.GeoMessages.SetAvailability;
import io.natrix.ride.users.UserMessages.GetUser;
import io.natrix.ride.users.UsersApi;
import io.natrix.ride.users.UserMessages.Register;

import java.time.Duration;
import java.util.Optional;

/**
 * The rider and driver API: the gateway routes that put the ride services on HTTP, each naming its subject
 * through the service's contract ({@link UsersApi}, {@link DispatchApi}, {@link GeoApi}). Every route is documented
 * with a curl example in {@code ride/README.md}. Each route that sends a request names its record: the gateway
 * refuses (400) what the record refuses before any service is asked. Every ride operation is idempotent: a
 * sign-up or a ride request is keyed by its request id ({@code X-Request-Id}; the same id again answers the
 * same user or ride), a step (answer, pick-up, drop-off, cancel) by the state it leads to, availability is a
 * state; so the gateway and the apps send one again after a lost answer, and it never applies twice.
 */
public final class RideApi {

    static final String RIDER = "RIDER";
    static final String DRIVER = "DRIVER";

    private RideApi() {
    }

    /** Riders' routes. */
    static final Access RIDERS = Access.roles(RIDER);
    /** Where the gateways share the answers of the riders' nearby polls (one poll per cell for all of them). */
    public static final String NEARBY_SHARED = "ms.gateways.nearby";

    /** Drivers' routes. */
    static final Access DRIVERS = Access.roles(DRIVER);

    /**
     * Adds every rider and driver route to the gateway being built, each with who may use it once the gateway
     * verifies tokens: sign-ups are open (they answer the token), a path's rider or driver id must be the
     * token's ({@code me} stands for it), and the ids in a body that say who acts are the token's.
     */
    /**
     * What to try first against a gateway that requires tokens, as a person types it: sign up as a rider (its
     * answer holds the bearer token), then open that rider's nearby stream with it. Two lines, for a demo to print.
     */
    public static String tryIt(String gateway) {
        return "try:  TOKEN=$(curl -s -H 'Content-Type: application/json' -d '{\"name\":\"Ada\",\"phone\":\"+972 50 000 0001\"}' "
                + gateway + "/v1/riders | sed -E 's/.*\"token\":\"([^\"]+)\".*/\\1/')\n"
                + "      curl -N -H \"Authorization: Bearer $TOKEN\" -H 'Accept: text/event-stream' '" + gateway
                + "/v1/riders/me/nearby?lat=32.08&lng=34.78'";
    }

    public static Gateway.Builder routes(Gateway.Builder gateway) {
        return routes(gateway, Optional.empty());
    }

    /**
     * The same, with the geo service sharded by place ({@link GeoRegions}): each driver's position goes to its
     * region's batch, and to a neighbour's ring when near its border, instead of the one batch every geo instance
     * hears.
     */
    public static Gateway.Builder routes(Gateway.Builder gateway, Optional<GeoRegions> regions) {
        StreamRoute positions = StreamRoute.publish("/v1/drivers/{driverId}/locations", GeoApi.POSITIONS_OF_DRIVER)
                .accepts(DriverPosition.class).stamps("at").access(DRIVERS.owner("driverId"));
        positions = regions.isPresent() ? positions.batchedBy("ms.geo", new PositionRegions(regions.get()), GeoApi.BATCH_EVERY)
                : positions.batched(GeoApi.BATCHES, GeoApi.BATCH_EVERY);
        return gateway
                // riders
                .route(Route.post("/v1/riders", UsersApi.REGISTER_RIDER).accepts(Register.class).idempotent().access(Access.open()))
                // shared by every rider in the same small cell, on every gateway: one poll per cell a second, not
                // one per rider nor one per gateway
                .stream(StreamRoute.poll("/v1/riders/{riderId}/nearby", DispatchApi.NEARBY_DRIVERS, Duration.ofSeconds(1))
                        .accepts(NearbyRequest.class).sharedAs(NearbyRequest.class, NearbyCells::centreOf)
                        .sharedBetweenGateways(NEARBY_SHARED)
                        // one stream per rider: its rides come on it too, as they change (the /rides stream has them alone)
                        .alsoDelivers(DispatchApi.RIDES_OF_RIDER)
                        .access(RIDERS.owner("riderId")))
                .route(Route.post("/v1/rides", DispatchApi.REQUEST_RIDE).accepts(RequestRide.class).idempotent()
                        .access(RIDERS.actor("riderId")))
                // a ride is its rider's, its driver's and the admins': dispatch answers anyone else 404
                .route(Route.get("/v1/rides/{rideId}", DispatchApi.GET_RIDE).accepts(GetRide.class)
                        .access(Access.roles(RIDER, DRIVER, Actor.ADMIN)))
                .route(Route.post("/v1/rides/{rideId}/cancel", DispatchApi.CANCEL_RIDE).accepts(CancelRide.class).idempotent()
                        .access(RIDERS.actor("riderId")))
                .stream(StreamRoute.subscribe("/v1/riders/{riderId}/rides", DispatchApi.RIDES_OF_RIDER).access(RIDERS.owner("riderId")))
                // drivers
                .route(Route.post("/v1/drivers", UsersApi.REGISTER_DRIVER).accepts(Register.class).idempotent().access(Access.open()))
                .route(Route.post("/v1/drivers/{driverId}/availability", GeoApi.SET_AVAILABILITY).accepts(SetAvailability.class)
                        .idempotent().access(DRIVERS.owner("driverId")))
                // one socket per driver: its positions out, its offers back (the NDJSON form has the stream below)
                .stream(positions.deliversOnWebSocket(DispatchApi.OFFERS))
                .stream(StreamRoute.subscribe("/v1/drivers/{driverId}/offers", DispatchApi.OFFERS).access(DRIVERS.owner("driverId")))
                .route(Route.post("/v1/rides/{rideId}/answer", DispatchApi.ANSWER_OFFER).accepts(AnswerOffer.class).idempotent()
                        .access(DRIVERS.actor("driverId")))
                .route(Route.post("/v1/rides/{rideId}/pickup", DispatchApi.PICK_UP).accepts(DriverStep.class).idempotent()
                        .access(DRIVERS.actor("driverId")))
                .route(Route.post("/v1/rides/{rideId}/dropoff", DispatchApi.DROP_OFF).accepts(DriverStep.class).idempotent()
                        .access(DRIVERS.actor("driverId")))
                // both: anyone signed in sees a user's name; users shows the phone to that user and admins only
                .route(Route.get("/v1/users/{id}", UsersApi.GET_USER).accepts(GetUser.class).access(Access.authenticated()));
    }
}
