package io.natrix.ride.geo;

import io.natrix.Contract;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;
import io.natrix.ride.geo.GeoMessages.NearbyDrivers;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;
import io.natrix.ride.geo.GeoMessages.SetAvailability;

import java.time.Duration;

/**
 * The geo service's contract: where the drivers are. Two endpoints (one instance of the queue group answers
 * each request) and two broadcasts that every geo instance hears: the drivers' positions and their availability.
 * Dispatch, the gateway's routes and the NATS permissions name these subjects through the constants below.
 */
@Contract(service = "geo")
public interface GeoApi {

    /** Every endpoint's subject: {@code ms.geo.<Endpoint>}. */
    Contract.Subjects SUBJECTS = Contract.Subjects.of(GeoApi.class);
    /** Nearest available drivers to a point. */
    String NEARBY = SUBJECTS.of("Nearby");
    /** A driver says whether it takes rides. */
    String SET_AVAILABILITY = SUBJECTS.of("SetAvailability");

    /** Positions, broadcast: {@code ms.geo.UpdatePoint.<driverId>}, one {@link GeoMessages.DriverPosition} each. */
    String POSITIONS = "ms.geo.UpdatePoint";
    /** One driver's positions, as a gateway route fills it from the path. */
    String POSITIONS_OF_DRIVER = POSITIONS + ".{driverId}";
    /**
     * The gateways' batches of positions (NDJSON, one position per line, each naming its driver): a gateway
     * gathers its drivers' positions for {@link #BATCH_EVERY} and publishes them as one message.
     */
    String BATCHES = POSITIONS + ".batch";
    /** How long a gateway gathers positions before it publishes them. */
    Duration BATCH_EVERY = Duration.ofMillis(50);
    /** Availability changes, broadcast: {@code ms.geo.Availability.<driverId>}, one {@link DriverAvailability} each. */
    String AVAILABILITY = "ms.geo.Availability";

    /** Where one driver's availability changes are broadcast. */
    static String availabilityOf(String driverId) {
        return AVAILABILITY + "." + driverId;
    }

    /** Up to {@code limit} available drivers within the radius, nearest first; 400 for a point off the map. */
    NearbyDrivers nearby(NearbyRequest request);

    /** Records (and broadcasts) a driver's availability; 400 for a bad driver id. */
    DriverAvailability setAvailability(SetAvailability request);
}
