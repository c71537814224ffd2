package io.natrix.ride.geo;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The geo service's wire messages (JSON). Records that come from outside check their fields in their
 * constructors ({@link Inputs}): a request that breaks a rule is answered 400 with the rule, by the gateway and
 * by the service alike.
 */
public final class GeoMessages {

    private GeoMessages() {
    }

    /**
     * A driver's position, published on {@code ms.geo.UpdatePoint.<driverId>}; {@code at} (epoch ms) is 0 when the
     * driver's app sent none (the position is as of its arrival).
     */
    public record DriverPosition(String driverId, double lat, double lng, long at) {
        public DriverPosition {
            Inputs.required("driverId", driverId);
            Inputs.latitude(lat);
            Inputs.longitude(lng);
        }

        @JsonCreator
        static DriverPosition fromJson(@JsonProperty("driverId") String driverId, @JsonProperty("lat") Double lat,
                                       @JsonProperty("lng") Double lng, @JsonProperty("at") Long at) {
            return new DriverPosition(driverId, Inputs.required("lat", lat), Inputs.required("lng", lng),
                    at == null ? 0 : at);
        }
    }

    /** Whether a driver takes rides, published on {@code ms.geo.Availability.<driverId>}. */
    public record DriverAvailability(String driverId, boolean available, long at) {
    }

    /** {@code ms.geo.SetAvailability}: a driver goes online or offline. */
    public record SetAvailability(String driverId, boolean available) {
    }

    /**
     * A nearby question: at most {@code limit} drivers within the radius of a point. Asked on {@code ms.geo.Nearby}
     * (the nearest available drivers) and on {@code ms.dispatch.NearbyDrivers} (the same, ranked by pick-up time,
     * what a rider's app sees); the radius and the number of drivers are optional in JSON
     * ({@link #DEFAULT_RADIUS_METERS}, {@link #DEFAULT_LIMIT}).
     */
    public record NearbyRequest(double lat, double lng, double radiusMeters, int limit) {
        public static final double DEFAULT_RADIUS_METERS = 3_000;
        public static final int DEFAULT_LIMIT = 10;

        public NearbyRequest {
            Inputs.nearby(lat, lng, radiusMeters, limit);
        }

        @JsonCreator
        static NearbyRequest fromJson(@JsonProperty("lat") Double lat, @JsonProperty("lng") Double lng,
                                      @JsonProperty("radiusMeters") Double radiusMeters, @JsonProperty("limit") Integer limit) {
            return new NearbyRequest(Inputs.required("lat", lat), Inputs.required("lng", lng),
                    radiusMeters == null ? DEFAULT_RADIUS_METERS : radiusMeters, limit == null ? DEFAULT_LIMIT : limit);
        }
    }

    /** One driver near the point: where, how far, and how old the position is. */
    public record NearbyDriver(String driverId, double lat, double lng, double distanceMeters, long ageMillis) {
    }

    /** The answer: nearest first. */
    public record NearbyDrivers(List<NearbyDriver> drivers) {
    }
}
