package io.natrix.ride.geo;

import com.uber.h3core.H3Core;
import com.uber.h3core.LengthUnit;
import io.natrix.ride.geo.GeoMessages.NearbyDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The whole fleet in memory, bucketed by H3 cell, so that "who is near this point" looks at a few cells instead
 * of every driver. Updates come from one listener thread; queries from any number of handler threads.
 * A newer position or availability always wins, so replayed and live events may arrive in any order.
 */
public final class GeoIndex {

    /** H3 resolution 8: hexagons of about 0.74 km², edges of about 460 m. */
    static final int RESOLUTION = 8;

    private record Driver(String id, double lat, double lng, long cell, long positionAt) {
    }

    private record Availability(boolean available, long at) {
    }

    private final H3Core h3;
    private final double edgeMeters;
    private final Duration staleAfter;
    private final LongSupplier clock;
    private final Map<String, Driver> drivers = new ConcurrentHashMap<>();
    private final Map<Long, Set<String>> cells = new ConcurrentHashMap<>();
    // kept apart from positions: an availability change may arrive before the driver's first position
    private final Map<String, Availability> availability = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong lastEviction = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param staleAfter a driver silent this long is left out of answers
     * @param clock      milliseconds since the epoch (tests pass their own)
     */
    public GeoIndex(Duration staleAfter, LongSupplier clock) {
        try {
            this.h3 = H3Core.newInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load H3's native library", e);
        }
        this.edgeMeters = h3.getHexagonEdgeLengthAvg(RESOLUTION, LengthUnit.m);
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** Records a position unless a newer one is known. */
    public void update(String driverId, double lat, double lng, long at) {
        long cell = h3.latLngToCell(lat, lng, RESOLUTION);
        drivers.compute(driverId, (id, old) -> {
            if (old != null && old.positionAt() > at) {
                return old;
            }
            if (old == null || old.cell() != cell) {
                if (old != null) {
                    Set<String> previous = cells.get(old.cell());
                    if (previous != null) {
                        previous.remove(id);
                    }
                }
                cells.computeIfAbsent(cell, c -> ConcurrentHashMap.newKeySet()).add(id);
            }
            return new Driver(id, lat, lng, cell, at);
        });
    }

    /** Records whether a driver takes rides, unless a newer change is known. */
    public void availability(String driverId, boolean available, long at) {
        availability.merge(driverId, new Availability(available, at), (old, now) -> old.at() > now.at() ? old : now);
    }

    /**
     * Available, fresh drivers within {@code radiusMeters} of the point, nearest first, at most {@code limit}.
     * Looks ring by ring outwards from the point's cell and stops as soon as no driver in a further ring could
     * beat the {@code limit}-th nearest found so far, so a dense city costs a few cells, not the whole radius.
     */
    public List<NearbyDriver> nearby(double lat, double lng, double radiusMeters, int limit) {
        long now = clock.getAsLong();
        long origin = h3.latLngToCell(lat, lng, RESOLUTION);
        // cell centres are edge·√3 apart; a disk of k rings covers at least (k·1.5 − 1)·edge from the point
        int rings = (int) Math.ceil(radiusMeters / (edgeMeters * 1.5)) + 1;
        List<NearbyDriver> found = new ArrayList<>();
        List<List<Long>> byRing = h3.gridDiskDistances(origin, rings);
        for (int ring = 0; ring < byRing.size(); ring++) {
            for (long cell : byRing.get(ring)) {
                collect(cell, lat, lng, radiusMeters, now, found);
            }
            if (found.size() >= limit) {
                found.sort(NEAREST);
                // any point in ring r+1 is at least 1.5·(r+1)·edge from the origin cell's centre, less an edge
                // for the point's offset in its own cell and an edge for the query's offset in the origin cell
                double closestBeyond = (1.5 * (ring + 1) - 2) * edgeMeters;
                if (found.get(limit - 1).distanceMeters() <= closestBeyond) {
                    break;
                }
            }
        }
        found.sort(NEAREST);
        return found.size() > limit ? List.copyOf(found.subList(0, limit)) : found;
    }

    private static final Comparator<NearbyDriver> NEAREST =
            Comparator.comparingDouble(NearbyDriver::distanceMeters).thenComparing(NearbyDriver::driverId);

    private void collect(long cell, double lat, double lng, double radiusMeters, long now, List<NearbyDriver> found) {
        Set<String> ids = cells.get(cell);
        if (ids == null) {
            return;
        }
        for (String id : ids) {
            Driver driver = drivers.get(id);
            if (driver == null || !available(id) || now - driver.positionAt() > staleAfter.toMillis()) {
                continue;
            }
            double distance = GeoMath.distanceMeters(lat, lng, driver.lat(), driver.lng());
            if (distance <= radiusMeters) {
                found.add(new NearbyDriver(id, driver.lat(), driver.lng(), distance, Math.max(0, now - driver.positionAt())));
            }
        }
    }

    private boolean available(String driverId) {
        Availability known = availability.get(driverId);
        return known == null || known.available();
    }

    /** Evicts silent drivers, at most once per stale period; cheap to call on every update. */
    public void evictStaleNowAndThen() {
        long now = clock.getAsLong();
        long last = lastEviction.get();
        if (now - last >= staleAfter.toMillis() && lastEviction.compareAndSet(last, now)) {
            evictStale();
        }
    }

    /** Forgets drivers silent for twice the stale time; returns how many. */
    public int evictStale() {
        long cutoff = clock.getAsLong() - 2 * staleAfter.toMillis();
        int evicted = 0;
        for (Driver driver : drivers.values()) {
            if (driver.positionAt() < cutoff && drivers.remove(driver.id(), driver)) {
                Set<String> ids = cells.get(driver.cell());
                if (ids != null) {
                    ids.remove(driver.id());
                }
                evicted++;
            }
        }
        return evicted;
    }

    /** Drivers known, fresh or not. */
    public int size() {
        return drivers.size();
    }
}
