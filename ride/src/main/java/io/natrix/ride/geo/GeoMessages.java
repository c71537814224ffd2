package io.natrix.ride.geo;

import java.util.List;

/** The geo service's wire messages (JSON). */
public final class GeoMessages {

    private GeoMessages() {
    }

    /** A driver's position, published on {@code ms.geo.UpdatePoint.<driverId>}. */
    public record DriverPosition(String driverId, double lat, double lng, long at) {
    }

    /** Whether a driver takes rides, published on {@code ms.geo.Availability.<driverId>}. */
    public record DriverAvailability(String driverId, boolean available, long at) {
    }

    /** {@code ms.geo.SetAvailability}: a driver goes online or offline. */
    public record SetAvailability(String driverId, boolean available) {
    }

    /** The question asked on {@code ms.geo.Nearby}. */
    public record NearbyRequest(double lat, double lng, double radiusMeters, int limit) {
    }

    /** One driver near the point: where, how far, and how old the position is. */
    public record NearbyDriver(String driverId, double lat, double lng, double distanceMeters, long ageMillis) {
    }

    /** The answer: nearest first. */
    public record NearbyDrivers(List<NearbyDriver> drivers) {
    }
}
