package io.natrix.ride.dispatch;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.natrix.ride.geo.Inputs;

import java.util.List;

/**
 * Dispatch's wire messages (JSON). Requests check their fields in their constructors ({@link Inputs}): one that
 * breaks a rule is answered 400 with the rule, by the gateway and by dispatch alike.
 */
public final class RideMessages {

    private RideMessages() {
    }

    /** Where a ride is in its life. */
    public enum Status { REQUESTED, OFFERED, ACCEPTED, PICKED_UP, COMPLETED, CANCELLED, UNMATCHED }

    /** What happened to a ride: one message each on the ride's JetStream subject {@code ms.rides.<rideId>}. */
    public enum EventType { REQUESTED, OFFERED, DECLINED, EXPIRED, ACCEPTED, PICKED_UP, COMPLETED, CANCELLED, UNMATCHED }

    /** One lifecycle event. */
    public record RideEvent(EventType type, String rideId, String riderId, String driverId, double lat, double lng,
                            long etaSeconds, long at) {
    }

    /** A ride's current state, folded from its events. */
    public record Ride(String rideId, String riderId, Status status, String driverId, double pickupLat, double pickupLng,
                       long etaSeconds, List<String> declinedBy, long requestedAt, long updatedAt) {
    }

    /** {@code ms.dispatch.RequestRide}. */
    public record RequestRide(String riderId, double lat, double lng) {
        public RequestRide {
            Inputs.latitude(lat);
            Inputs.longitude(lng);
        }

        @JsonCreator
        static RequestRide fromJson(@JsonProperty("riderId") String riderId, @JsonProperty("lat") Double lat,
                                    @JsonProperty("lng") Double lng) {
            return new RequestRide(riderId, Inputs.required("lat", lat), Inputs.required("lng", lng));
        }
    }

    /** {@code ms.dispatch.GetRide}. */
    public record GetRide(String rideId) {
    }

    /** {@code ms.dispatch.CancelRide}. */
    public record CancelRide(String rideId, String riderId) {
    }

    /** {@code ms.dispatch.AnswerOffer}. */
    public record AnswerOffer(String rideId, String driverId, boolean accept) {
    }

    /** {@code ms.dispatch.PickUp} and {@code ms.dispatch.DropOff}. */
    public record DriverStep(String rideId, String driverId) {
    }

    /** One driver a rider could get, with the time to pick-up. */
    public record DriverEta(String driverId, double lat, double lng, double distanceMeters, long etaSeconds, long ageMillis) {
    }

    /** The nearby drivers, fastest pick-up first, which ETA estimator answered, and when (epoch ms). */
    public record NearbyWithEta(String estimator, List<DriverEta> drivers, long answeredAt) {
    }

    /** Sent to a driver on {@code ms.drivers.<driverId>.offers}. */
    public record Offer(String rideId, String riderId, double pickupLat, double pickupLng, long etaSeconds, long expiresAt) {
    }
}
