package io.natrix.ride.api;

import io.natrix.gateway.Gateway;
import io.natrix.gateway.Route;
import io.natrix.gateway.StreamRoute;

import java.time.Duration;

/**
 * The rider and driver API: the gateway routes that put the ride services on HTTP. Every route is documented
 * with a curl example in {@code ride/README.md}.
 */
public final class RideApi {

    private RideApi() {
    }

    /** Adds every rider and driver route to the gateway being built. */
    public static Gateway.Builder routes(Gateway.Builder gateway) {
        return gateway
                // riders
                .route(Route.post("/v1/riders", "ms.users.RegisterRider"))
                .stream(StreamRoute.poll("/v1/riders/{riderId}/nearby", "ms.dispatch.NearbyDrivers", Duration.ofSeconds(1)))
                .route(Route.post("/v1/rides", "ms.dispatch.RequestRide"))
                .route(Route.get("/v1/rides/{rideId}", "ms.dispatch.GetRide"))
                .route(Route.post("/v1/rides/{rideId}/cancel", "ms.dispatch.CancelRide"))
                .stream(StreamRoute.subscribe("/v1/riders/{riderId}/rides", "ms.riders.{riderId}.rides"))
                // drivers
                .route(Route.post("/v1/drivers", "ms.users.RegisterDriver"))
                .route(Route.post("/v1/drivers/{driverId}/availability", "ms.geo.SetAvailability"))
                .stream(StreamRoute.publish("/v1/drivers/{driverId}/locations", "ms.geo.UpdatePoint.{driverId}"))
                .stream(StreamRoute.subscribe("/v1/drivers/{driverId}/offers", "ms.drivers.{driverId}.offers"))
                .route(Route.post("/v1/rides/{rideId}/answer", "ms.dispatch.AnswerOffer"))
                .route(Route.post("/v1/rides/{rideId}/pickup", "ms.dispatch.PickUp"))
                .route(Route.post("/v1/rides/{rideId}/dropoff", "ms.dispatch.DropOff"))
                // both
                .route(Route.get("/v1/users/{id}", "ms.users.GetUser"));
    }
}
