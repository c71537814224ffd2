package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the simulated riders and drivers saw, for the status line and the summary.
 *
 * <p>A nearby update is a line that holds an answer; a line that holds an error is an error, counted by its
 * status, never an update. Nearby freshness is the age of an answer when the rider reads it, counted from the
 * moment the gateway asked ({@code askedAt}): the whole round, the services' work included. Position age is how
 * old the freshest driver position in it is, which also holds up to a second of the drivers' own
 * once-a-second updates. Online means the agent's own stream is open (a rider's nearby stream, a driver's
 * location socket), so a lost stream takes the agent offline until the app has opened it again.
 */
final class SimStats {

    final AtomicInteger driversOnline = new AtomicInteger();
    final AtomicInteger ridersOnline = new AtomicInteger();
    final LongAdder locationUpdates = new LongAdder();
    /** Nearby lines that held an answer (drivers or none). */
    final LongAdder nearbyUpdates = new LongAdder();
    /** Nearby answers with at least one driver in them. */
    final LongAdder nearbyWithDrivers = new LongAdder();
    /** Nearby answers by the estimator that ranked them: quick, careful, distance (no ETA in time), none (nobody near). */
    final Map<String, LongAdder> nearbyByEstimator = new ConcurrentHashMap<>();
    final LongAdder ridesRequested = new LongAdder();
    final LongAdder ridesAccepted = new LongAdder();
    final LongAdder ridesCompleted = new LongAdder();
    final LongAdder ridesUnmatched = new LongAdder();
    final LongAdder offersDeclined = new LongAdder();
    final LongAdder lateAnswers = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Of the errors, those that were {@code {"error":..}} lines on a stream (a failed nearby poll is one). */
    final LongAdder errorLines = new LongAdder();
    /** Errors by cause: an HTTP status ({@code "503"}), {@code "stream lost"}, {@code "location rejected"}, ... */
    final Map<String, LongAdder> errorsByCause = new ConcurrentHashMap<>();
    /**
     * Failed steps of rides (an answer to an offer, a pick-up, a drop-off), by the region that keeps the ride
     * ({@link io.natrix.ride.HomeRegion}; "" without regions): a region lost fails the steps of its rides wherever
     * their riders and drivers are.
     */
    final Map<String, LongAdder> rideErrorsByHome = new ConcurrentHashMap<>();
    final LongAdder requests = new LongAdder();
    final LongAdder retries = new LongAdder();
    /** Every ride the gateway accepted a request for. */
    /** Every ride a rider was told was requested, and that rider's way to the gateway (its token). */
    final Map<String, SimHttp> ridesRequestedIds = new ConcurrentHashMap<>();
    /**
     * The drivers each ride was accepted by, as the rider was told and as each driver was told: more than one
     * is a double assignment.
     */
    final Map<String, Set<String>> acceptedBy = new ConcurrentHashMap<>();
    final Recorder freshnessMillis = new Recorder(3_600_000, 3);
    final Recorder positionAgeMillis = new Recorder(3_600_000, 3);
    final Recorder matchMillis = new Recorder(3_600_000, 3);
    final Recorder nearbyGapMillis = new Recorder(3_600_000, 3);
    private final Histogram freshnessTotal = new Histogram(3_600_000, 3);
    private final Histogram positionAgeTotal = new Histogram(3_600_000, 3);
    private final Histogram matchTotal = new Histogram(3_600_000, 3);
    /** Shared while an answer is counted and sampled, held alone while a window is taken: never half of one. */
    private final ReadWriteLock answering = new ReentrantReadWriteLock();
    /** The first description of each cause of error, so that every kind is told in words once. */
    private final Map<String, String> firstByCause = new ConcurrentHashMap<>();
    private volatile String lastError = "";

    /** A failure of the agent's own: {@code cause} groups it in the counts, {@code what} says what happened. */
    void error(String cause, String what) {
        errors.increment();
        errorsByCause.computeIfAbsent(cause, k -> new LongAdder()).increment();
        firstByCause.putIfAbsent(cause, what);
        lastError = what;
    }

    /** An {@code {"error":{"status":..,"message":..}}} line read on one of an agent's streams. */
    void errorLine(String stream, JsonNode error) {
        errorLines.increment();
        int status = error.path("status").asInt();
        error(status == 0 ? "error line" : String.valueOf(status),
                stream + ": " + (status == 0 ? "" : status + " ") + error.path("message").asText(error.toString()));
    }

    /** A failed step of ride {@code rideId}: counted as {@link #error(String, Exception)} does, and by the ride's home. */
    void rideError(String rideId, String what, Exception failure) {
        error(what + " on ride " + rideId, failure);
        rideErrorsByHome.computeIfAbsent(io.natrix.ride.HomeRegion.of(rideId).orElse(""), k -> new LongAdder()).increment();
    }

    /** Counts a failed call: by its HTTP status when the gateway answered, else by what went wrong. */
    void error(String what, Exception failure) {
        error(failure instanceof SimHttp.Refused refused ? String.valueOf(refused.status())
                : failure.getClass().getSimpleName(), what + ": " + failure.getMessage());
    }

    /**
     * A nearby answer, counted (by estimator, with or without drivers) and sampled as one step, so that a window
     * ({@link #betweenAnswers}) holds as many freshness samples as answers: its freshness, the age of its freshest
     * position and the gap since the rider's last answer, in milliseconds, each negative when not known.
     */
    void nearbyAnswer(String estimator, boolean withDrivers, long freshness, long positionAge, long gap) {
        answering.readLock().lock();
        try {
            nearbyUpdates.increment();
            nearbyByEstimator.computeIfAbsent(estimator.isEmpty() ? "?" : estimator, k -> new LongAdder()).increment();
            if (withDrivers) {
                nearbyWithDrivers.increment();
            }
            record(freshnessMillis, freshness);
            record(positionAgeMillis, positionAge);
            record(nearbyGapMillis, gap);
        } finally {
            answering.readLock().unlock();
        }
    }

    private static void record(Recorder recorder, long millis) {
        if (millis >= 0) {
            recorder.recordValue(Math.min(millis, 3_600_000));
        }
    }

    /** {@code read}'s result, read while no nearby answer is half counted: a window's counts and samples agree. */
    <T> T betweenAnswers(Supplier<T> read) {
        answering.writeLock().lock();
        try {
            return read.get();
        } finally {
            answering.writeLock().unlock();
        }
    }

    String lastError() {
        return lastError;
    }

    /** The first failure of each cause, as it was described. */
    Map<String, String> firstByCause() {
        return Map.copyOf(firstByCause);
    }

    /** {@code 503 ×40, stream lost ×2}: the errors by cause, most first; empty when there were none. */
    static String byCount(Map<String, Long> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .map(e -> String.format("%s ×%,d", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
    }

    static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
        return counters.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum()));
    }

    /** What {@code later} counted beyond {@code earlier}, key by key. */
    static Map<String, Long> minus(Map<String, Long> later, Map<String, Long> earlier) {
        return later.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue() - earlier.getOrDefault(e.getKey(), 0L)));
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
