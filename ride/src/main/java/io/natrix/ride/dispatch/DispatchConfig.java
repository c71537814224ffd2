package io.natrix.ride.dispatch;

import java.time.Duration;

/**
 * How dispatch matches.
 *
 * @param offerTimeout       how long a driver has to answer an offer
 * @param searchRadiusMeters how far from the pick-up to look for drivers
 * @param matchingWindow     how long to keep looking before the ride is UNMATCHED
 * @param etaDeadline        how long to wait for the first ETA answer before ranking by distance
 */
public record DispatchConfig(Duration offerTimeout, double searchRadiusMeters, Duration matchingWindow,
                             Duration etaDeadline) {

    public static DispatchConfig defaults() {
        return new DispatchConfig(Duration.ofSeconds(15), 3_000, Duration.ofSeconds(60), Duration.ofMillis(300));
    }

    public DispatchConfig offerTimeout(Duration offerTimeout) {
        return new DispatchConfig(offerTimeout, searchRadiusMeters, matchingWindow, etaDeadline);
    }

    public DispatchConfig matchingWindow(Duration matchingWindow) {
        return new DispatchConfig(offerTimeout, searchRadiusMeters, matchingWindow, etaDeadline);
    }
}
