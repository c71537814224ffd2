package io.natrix.ride.sim;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the simulated riders and drivers saw, for the status line and the summary. Nearby freshness is the age of
 * a nearby answer when the rider reads it (what the system adds); position age is how old the freshest driver
 * position in it is, which also holds up to a second of the drivers' own once-a-second updates.
 */
final class SimStats {

    final AtomicInteger driversOnline = new AtomicInteger();
    final AtomicInteger ridersOnline = new AtomicInteger();
    final LongAdder locationUpdates = new LongAdder();
    final LongAdder nearbyUpdates = new LongAdder();
    final LongAdder ridesRequested = new LongAdder();
    final LongAdder ridesAccepted = new LongAdder();
    final LongAdder ridesCompleted = new LongAdder();
    final LongAdder ridesUnmatched = new LongAdder();
    final LongAdder offersDeclined = new LongAdder();
    final LongAdder lateAnswers = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder retries = new LongAdder();
    /** Every ride the gateway accepted a request for. */
    final Set<String> ridesRequestedIds = ConcurrentHashMap.newKeySet();
    /** The drivers each ride was accepted by, as the rider saw it: more than one is a double assignment. */
    final Map<String, Set<String>> acceptedBy = new ConcurrentHashMap<>();
    final Recorder freshnessMillis = new Recorder(3_600_000, 3);
    final Recorder positionAgeMillis = new Recorder(3_600_000, 3);
    final Recorder matchMillis = new Recorder(3_600_000, 3);
    final Recorder nearbyGapMillis = new Recorder(3_600_000, 3);
    private final Histogram freshnessTotal = new Histogram(3_600_000, 3);
    private final Histogram positionAgeTotal = new Histogram(3_600_000, 3);
    private final Histogram matchTotal = new Histogram(3_600_000, 3);
    private volatile String lastError = "";

    void error(String what) {
        errors.increment();
        lastError = what;
    }

    String lastError() {
        return lastError;
    }

    /**
     * Moves the recent samples into the run's totals and returns the recent ones: freshness, match, position
     * age, and the gap between a rider's nearby updates.
     */
    synchronized Histogram[] interval() {
        Histogram freshness = freshnessMillis.getIntervalHistogram();
        Histogram match = matchMillis.getIntervalHistogram();
        Histogram positionAge = positionAgeMillis.getIntervalHistogram();
        freshnessTotal.add(freshness);
        matchTotal.add(match);
        positionAgeTotal.add(positionAge);
        return new Histogram[]{freshness, match, positionAge, nearbyGapMillis.getIntervalHistogram()};
    }

    synchronized Histogram freshnessTotal() {
        return freshnessTotal.copy();
    }

    synchronized Histogram positionAgeTotal() {
        return positionAgeTotal.copy();
    }

    synchronized Histogram matchTotal() {
        return matchTotal.copy();
    }
}
