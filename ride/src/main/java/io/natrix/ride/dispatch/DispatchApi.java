package io.natrix.ride.dispatch;

import io.natrix.Contract;
import io.natrix.ride.dispatch.RideMessages.AnswerOffer;
import io.natrix.ride.dispatch.RideMessages.CancelRide;
import io.natrix.ride.dispatch.RideMessages.DriverStep;
import io.natrix.ride.dispatch.RideMessages.GetRide;
import io.natrix.ride.dispatch.RideMessages.NearbyWithEta;
import io.natrix.ride.dispatch.RideMessages.RequestRide;
import io.natrix.ride.dispatch.RideMessages.Ride;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;

/**
 * The dispatch service's contract: rides from request to drop-off, and the subjects dispatch publishes on (a
 * driver's offers, a rider's rides, every ride's events). The service implements it ({@link Dispatch}); the
 * gateway's routes and the NATS permissions name its subjects through the constants below.
 */
@Contract(service = "dispatch")
public interface DispatchApi {

    /** Every endpoint's subject: {@code ms.dispatch.<Endpoint>}. */
    Contract.Subjects SUBJECTS = Contract.Subjects.of(DispatchApi.class);
    String REQUEST_RIDE = SUBJECTS.of("RequestRide");
    String GET_RIDE = SUBJECTS.of("GetRide");
    String NEARBY_DRIVERS = SUBJECTS.of("NearbyDrivers");
    String CANCEL_RIDE = SUBJECTS.of("CancelRide");
    String ANSWER_OFFER = SUBJECTS.of("AnswerOffer");
    String PICK_UP = SUBJECTS.of("PickUp");
    String DROP_OFF = SUBJECTS.of("DropOff");

    /** Offers to one driver, one {@link RideMessages.Offer} each; a gateway route fills {@code {driverId}}. */
    String OFFERS = "ms.drivers.{driverId}.offers";
    /** A rider's rides as they change, one {@link Ride} each; a gateway route fills {@code {riderId}}. */
    String RIDES_OF_RIDER = "ms.riders.{riderId}.rides";
    /** Every ride's events, stored in the {@code RIDES} stream: {@code ms.rides.<rideId>}, one {@link RideMessages.RideEvent} each. */
    String EVENTS = "ms.rides";

    /** Where offers to {@code driverId} are published. */
    static String offersTo(String driverId) {
        return OFFERS.replace("{driverId}", driverId);
    }

    /** Where {@code riderId}'s rides are published. */
    static String ridesOf(String riderId) {
        return RIDES_OF_RIDER.replace("{riderId}", riderId);
    }

    /** A new ride for the rider; the request id is its idempotency key. 409 if the rider has another ride. */
    Ride requestRide(RequestRide request) throws Exception;

    /** A ride as it is now: its rider's, its driver's and the admins' (404 for anyone else). */
    Ride getRide(GetRide request) throws Exception;

    /** Nearby available drivers with their pick-up times, fastest first. */
    NearbyWithEta nearbyDrivers(NearbyRequest area) throws Exception;

    /** The rider cancels before pick-up. */
    Ride cancelRide(CancelRide request) throws Exception;

    /** The offered driver accepts or declines. */
    Ride answerOffer(AnswerOffer answer) throws Exception;

    /** The assigned driver picked the rider up. */
    Ride pickUp(DriverStep step) throws Exception;

    /** The driver dropped the rider off: the ride is complete. */
    Ride dropOff(DriverStep step) throws Exception;
}
