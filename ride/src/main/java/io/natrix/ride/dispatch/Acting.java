package io.natrix.ride.dispatch;

import io.natrix.Actor;
import io.natrix.RequestContext;
import io.natrix.ServiceException;
import io.natrix.ride.dispatch.RideMessages.Ride;

import java.util.Optional;

/**
 * Dispatch's own check of who a request acts for ({@link RequestContext#actor()}, set by the gateway from a
 * verified token), behind the gateway's: defence in depth. A request with no actor comes from inside the system
 * (NATS permissions decide who may publish to dispatch at all) and passes.
 */
final class Acting {

    static final String RIDER = "RIDER";
    static final String DRIVER = "DRIVER";

    private Acting() {
    }

    /** Refuses (403) a request whose actor is another user than {@code role} {@code id}; admins pass. */
    static void as(String role, String id) {
        Optional<Actor> actor = RequestContext.current().flatMap(RequestContext::actor);
        if (actor.isPresent() && !actor.get().isOrAdmin(role, String.valueOf(id))) {
            throw new ServiceException(403, "the request acts for " + actor.get().header() + ", not " + role + ":" + id);
        }
    }

    /** Whether the request's actor may see the ride: its rider, its driver (offered or assigned), or an admin. */
    static boolean maySee(Ride ride) {
        return RequestContext.current().flatMap(RequestContext::actor)
                .map(actor -> actor.admin() || actor.id().equals(ride.riderId()) || actor.id().equals(ride.driverId()))
                .orElse(true);
    }

    /** What someone else's ride looks like: exactly a ride that does not exist. */
    static ServiceException noRide(String rideId) {
        return new ServiceException(404, "no ride " + rideId);
    }
}
