package io.natrix.ride.dispatch;

import io.natrix.ride.dispatch.RideMessages.Ride;
import io.natrix.ride.dispatch.RideMessages.RideEvent;
import io.natrix.ride.dispatch.RideMessages.Status;

import java.util.ArrayList;
import java.util.List;

/** How one event changes a ride: the whole state machine, in one place. */
final class RideState {

    private RideState() {
    }

    /** The ride after {@code event}; {@code ride} is null before REQUESTED. */
    static Ride apply(Ride ride, RideEvent event) {
        if (ride == null) {
            return new Ride(event.rideId(), event.riderId(), Status.REQUESTED, null, event.lat(), event.lng(), 0,
                    List.of(), event.at(), event.at());
        }
        return switch (event.type()) {
            case REQUESTED -> ride;
            case OFFERED -> with(ride, Status.OFFERED, event.driverId(), event.etaSeconds(), ride.declinedBy(), event.at());
            case DECLINED, EXPIRED -> {
                List<String> declined = new ArrayList<>(ride.declinedBy());
                declined.add(event.driverId());
                yield with(ride, Status.REQUESTED, null, 0, List.copyOf(declined), event.at());
            }
            case ACCEPTED -> with(ride, Status.ACCEPTED, event.driverId(), ride.etaSeconds(), ride.declinedBy(), event.at());
            case PICKED_UP -> with(ride, Status.PICKED_UP, ride.driverId(), 0, ride.declinedBy(), event.at());
            case COMPLETED -> with(ride, Status.COMPLETED, ride.driverId(), 0, ride.declinedBy(), event.at());
            case CANCELLED -> with(ride, Status.CANCELLED, ride.driverId(), 0, ride.declinedBy(), event.at());
            case UNMATCHED -> with(ride, Status.UNMATCHED, null, 0, ride.declinedBy(), event.at());
        };
    }

    static boolean finished(Ride ride) {
        return ride.status() == Status.COMPLETED || ride.status() == Status.CANCELLED || ride.status() == Status.UNMATCHED;
    }

    private static Ride with(Ride ride, Status status, String driverId, long eta, List<String> declined, long at) {
        return new Ride(ride.rideId(), ride.riderId(), status, driverId, ride.pickupLat(), ride.pickupLng(), eta, declined,
                ride.requestedAt(), at);
    }
}
