package io.natrix.ride.api;

import io.natrix.gateway.Gateway;
import io.natrix.gateway.Route;
import io.natrix.gateway.StreamRoute;

import io.natrix.ride.dispatch.RideMessages.AnswerOffer;
import io.natrix.ride.dispatch.RideMessages.CancelRide;
import io.natrix.ride.dispatch.RideMessages.DriverStep;
import io.natrix.ride.dispatch.RideMessages.GetRide;
import io.natrix.ride.dispatch.RideMessages.RequestRide;
import io.natrix.ride.geo.GeoMessages.DriverPosition;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;
import io.natrix.ride.geo.GeoMessages.SetAvailability;
import io.natrix.ride.users.UserMessages.GetUser;
import io.natrix.ride.users.UserMessages.Register;

import java.time.Duration;

/**
 * The rider and driver API: the gateway routes that put the ride services on HTTP. Every route is documented
 * with a curl example in {@code ride/README.md}. Each route that sends a request names its record: the gateway
 * refuses (400) what the record refuses before any service is asked. Every ride operation is idempotent: a
 * sign-up or a ride request is keyed by its request id ({@code X-Request-Id}; the same id again answers the
 * same user or ride), a step (answer, pick-up, drop-off, cancel) by the state it leads to, availability is a
 * state; so the gateway and the apps send one again after a lost answer, and it never applies twice.
 */
public final class RideApi {

    private RideApi() {
    }

    /** Adds every rider and driver route to the gateway being built. */
    public static Gateway.Builder routes(Gateway.Builder gateway) {
        return gateway
                // riders
                .route(Route.post("/v1/riders", "ms.users.RegisterRider").accepts(Register.class).idempotent())
                .stream(StreamRoute.poll("/v1/riders/{riderId}/nearby", "ms.dispatch.NearbyDrivers", Duration.ofSeconds(1))
                        .accepts(NearbyRequest.class))
                .route(Route.post("/v1/rides", "ms.dispatch.RequestRide").accepts(RequestRide.class).idempotent())
                .route(Route.get("/v1/rides/{rideId}", "ms.dispatch.GetRide").accepts(GetRide.class))
                .route(Route.post("/v1/rides/{rideId}/cancel", "ms.dispatch.CancelRide").accepts(CancelRide.class).idempotent())
                .stream(StreamRoute.subscribe("/v1/riders/{riderId}/rides", "ms.riders.{riderId}.rides"))
                // drivers
                .route(Route.post("/v1/drivers", "ms.users.RegisterDriver").accepts(Register.class).idempotent())
                .route(Route.post("/v1/drivers/{driverId}/availability", "ms.geo.SetAvailability").accepts(SetAvailability.class).idempotent())
                .stream(StreamRoute.publish("/v1/drivers/{driverId}/locations", "ms.geo.UpdatePoint.{driverId}")
                        .accepts(DriverPosition.class))
                .stream(StreamRoute.subscribe("/v1/drivers/{driverId}/offers", "ms.drivers.{driverId}.offers"))
                .route(Route.post("/v1/rides/{rideId}/answer", "ms.dispatch.AnswerOffer").accepts(AnswerOffer.class).idempotent())
                .route(Route.post("/v1/rides/{rideId}/pickup", "ms.dispatch.PickUp").accepts(DriverStep.class).idempotent())
                .route(Route.post("/v1/rides/{rideId}/dropoff", "ms.dispatch.DropOff").accepts(DriverStep.class).idempotent())
                // both
                .route(Route.get("/v1/users/{id}", "ms.users.GetUser").accepts(GetUser.class));
    }
}
