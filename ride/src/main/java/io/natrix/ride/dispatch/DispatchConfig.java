package io.natrix.ride.dispatch;

import io.natrix.ride.geo.GeoRegions;

import java.time.Duration;
import java.util.Optional;

/**
 * How dispatch matches.
 *
 * @param offerTimeout       how long a driver has to answer an offer
 * @param searchRadiusMeters how far from the pick-up to look for drivers
 * @param matchingWindow     how long to keep looking before the ride is UNMATCHED
 * @param etaDeadline        how long to wait for the first ETA answer before ranking by distance
 * @param regions            the system's regions ({@link GeoRegions}): a nearby question goes to the region of its
 *                           point, a ride is kept in the region of its pick-up; empty: one region, the one geo
 *                           service on {@code ms.geo.Nearby} and one stream of rides
 * @param region             with regions, the region this instance runs in (its region's storage must be there for it
 *                           to start)
 */
public record DispatchConfig(Duration offerTimeout, double searchRadiusMeters, Duration matchingWindow,
                             Duration etaDeadline, Optional<GeoRegions> regions, Optional<String> region) {

    public static DispatchConfig defaults() {
        return new DispatchConfig(Duration.ofSeconds(15), 3_000, Duration.ofSeconds(60), Duration.ofMillis(300), Optional.empty(),
                Optional.empty());
    }

    public DispatchConfig offerTimeout(Duration offerTimeout) {
        return new DispatchConfig(offerTimeout, searchRadiusMeters, matchingWindow, etaDeadline, regions, region);
    }

    public DispatchConfig matchingWindow(Duration matchingWindow) {
        return new DispatchConfig(offerTimeout, searchRadiusMeters, matchingWindow, etaDeadline, regions, region);
    }

    public DispatchConfig regions(Optional<GeoRegions> regions) {
        return new DispatchConfig(offerTimeout, searchRadiusMeters, matchingWindow, etaDeadline, regions, region);
    }

    /** This instance runs in {@code region}, one of {@link #regions}. */
    public DispatchConfig region(Optional<String> region) {
        return new DispatchConfig(offerTimeout, searchRadiusMeters, matchingWindow, etaDeadline, regions, region);
    }
}
