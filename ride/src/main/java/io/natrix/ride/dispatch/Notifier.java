package io.natrix.ride.dispatch;

import io.natrix.ride.geo.GeoApi;
import io.natrix.Natrix;
import io.natrix.ride.dispatch.RideMessages.Ride;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;

/** Tells the world what happened: the rider's ride stream and the geo service's view of availability. */
final class Notifier {

    private final Natrix natrix;

    Notifier(Natrix natrix) {
        this.natrix = natrix;
    }

    /** The ride's new state on {@code ms.riders.<riderId>.rides} (the gateway streams it to the rider). */
    void rider(Ride ride) {
        natrix.publish(DispatchApi.ridesOf(ride.riderId()), ride);
    }

    /** Whether the driver takes rides, for every geo instance. */
    void availability(String driverId, boolean available) {
        natrix.publish(GeoApi.availabilityOf(driverId), new DriverAvailability(driverId, available, System.currentTimeMillis()));
    }
}
