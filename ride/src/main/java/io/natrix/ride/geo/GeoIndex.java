package io.natrix.ride.geo;

import com.uber.h3core.H3Core;
import com.uber.h3core.LengthUnit;
import io.natrix.ride.geo.GeoMessages.NearbyDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The whole fleet in memory, bucketed by H3 cell, so that "who is near this point" looks at a few cells instead
 * of every driver. Updates come from one listener thread; queries from any number of handler threads.
 * A newer position or availability always wins, so replayed and live events may arrive in any order.
 *
 * <p>A driver takes rides only once it has said so: a driver whose availability is not known is left out of
 * answers, however fresh its position. What a driver said stays known after its position is forgotten, so an
 * instance that has run for days agrees with one that just replayed the stored availability of every driver.
 */
public final class GeoIndex {

    /**
     * H3 resolution 9: hexagons of about 0.1 km², edges of about 200 m. In a city of several hundred drivers a km²
     * the ten nearest are found in a cell and its six neighbours, some 500 drivers looked at; resolution 8's
     * cells (0.74 km²) made that about 3,700 (issue 15: geo's Nearby was most of its CPU in the fleet bench).
     */
    public static final int RESOLUTION = 9;

    /** Where a driver was last seen. */
    private record Position(double lat, double lng, long cell, long at) {
    }

    private record Availability(boolean available, long at) {
    }

    /** One driver: its cell holds this entry itself, so a query reads it without a map lookup. */
    private static final class Entry {
        final String id;
        volatile Position position; // null until its first position
        volatile Availability availability; // null: never said, so unavailable

        Entry(String id) {
            this.id = id;
        }

        boolean available() {
            Availability known = availability;
            return known != null && known.available();
        }
    }

    /**
     * The drivers in one cell, as an array a query walks without a lock or an iterator; a driver coming or going
     * copies it (a driver crosses a 200 m cell about once a minute, while every query walks several cells).
     * Changed only under the driver's entry lock, and under this cell's own, since two drivers may share a cell.
     */
    private static final class Cell {
        private static final Entry[] NONE = new Entry[0];
        private volatile Entry[] entries = NONE;

        synchronized void add(Entry entry) {
            Entry[] now = entries;
            Entry[] grown = Arrays.copyOf(now, now.length + 1);
            grown[now.length] = entry;
            entries = grown;
        }

        synchronized void remove(Entry entry) {
            Entry[] now = entries;
            for (int i = 0; i < now.length; i++) {
                if (now[i] == entry) {
                    Entry[] shrunk = new Entry[now.length - 1];
                    System.arraycopy(now, 0, shrunk, 0, i);
                    System.arraycopy(now, i + 1, shrunk, i, now.length - i - 1);
                    entries = shrunk;
                    return;
                }
            }
        }
    }

    private final H3Core h3;
    private final double edgeMeters;
    private final Duration staleAfter;
    private final LongSupplier clock;
    // an entry may exist before the driver's first position: availability changes can come first
    private final Map<String, Entry> drivers = new ConcurrentHashMap<>();
    private final Map<Long, Cell> cells = new ConcurrentHashMap<>();
    private final AtomicLong lastEviction = new AtomicLong();

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

    /**
     * Records a position unless a newer one is known. A time in the future counts as now: a client's clock (or a
     * forged one) cannot keep a driver fresh, or its position unbeatable, past its real silence.
     */
    public void update(String driverId, double lat, double lng, long claimedAt) {
        long at = Math.min(claimedAt, clock.getAsLong());
        long cell = h3.latLngToCell(lat, lng, RESOLUTION);
        while (true) {
            Entry entry = drivers.computeIfAbsent(driverId, Entry::new);
            synchronized (entry) {
                if (drivers.get(driverId) != entry) {
                    continue; // evicted meanwhile (eviction removes under the entry's lock): take the new one
                }
                Position old = entry.position;
                if (old != null && old.at() > at) {
                    return;
                }
                if (old == null || old.cell() != cell) {
                    if (old != null) {
                        Cell previous = cells.get(old.cell());
                        if (previous != null) {
                            previous.remove(entry);
                        }
                    }
                    cells.computeIfAbsent(cell, c -> new Cell()).add(entry);
                }
                entry.position = new Position(lat, lng, cell, at);
                return;
            }
        }
    }

    /** Records whether a driver takes rides, unless a newer change is known; a future time counts as now. */
    public void availability(String driverId, boolean available, long claimedAt) {
        long at = Math.min(claimedAt, clock.getAsLong());
        while (true) {
            Entry entry = drivers.computeIfAbsent(driverId, Entry::new);
            synchronized (entry) {
                if (drivers.get(driverId) != entry) {
                    continue;
                }
                Availability old = entry.availability;
                if (old == null || old.at() <= at) {
                    entry.availability = new Availability(available, at);
                }
                return;
            }
        }
    }

    /**
     * Available, fresh drivers within {@code radiusMeters} of the point, nearest first, at most {@code limit}.
     * Looks ring by ring outwards from the point's cell and stops as soon as no driver in a further ring could
     * beat the {@code limit}-th nearest found so far, so a dense city costs a few cells, not the whole radius.
     */
    public List<NearbyDriver> nearby(double lat, double lng, double radiusMeters, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        long origin = h3.latLngToCell(lat, lng, RESOLUTION);
        // cell centres are edge·√3 apart; a disk of k rings covers at least (k·1.5 − 1)·edge from the point
        int rings = (int) Math.ceil(radiusMeters / (edgeMeters * 1.5)) + 1;
        Nearest nearest = new Nearest(lat, lng, radiusMeters, limit, clock.getAsLong(), staleAfter.toMillis());
        for (int ring = 0; ring <= rings; ring++) { // each ring asked of H3 only when the search gets there
            for (long cell : ring == 0 ? List.of(origin) : h3.gridRing(origin, ring)) {
                Cell entries = cells.get(cell);
                if (entries != null) {
                    for (Entry entry : entries.entries) {
                        nearest.offer(entry);
                    }
                }
            }
            // any point in ring r+1 is at least 1.5·(r+1)·edge from the origin cell's centre, less an edge
            // for the point's offset in its own cell and an edge for the query's offset in the origin cell
            if (nearest.full() && nearest.farthestMeters() <= (1.5 * (ring + 1) - 2) * edgeMeters) {
                break;
            }
        }
        return nearest.sorted();
    }

    /**
     * The {@code limit} nearest fresh, available drivers offered so far, in a heap with the farthest on top. A
     * flat-earth distance (within a fraction of a percent of the great circle at city scale) rules most drivers
     * out before the exact distance is computed.
     */
    private static final class Nearest {
        private static final Comparator<NearbyDriver> FARTHEST_FIRST = NEAREST.reversed();

        private final double lat;
        private final double lng;
        private final double radiusMeters;
        private final int limit;
        private final long now;
        private final long staleAfterMillis;
        private final double metersPerDegreeLat = Math.toRadians(GeoMath.EARTH_RADIUS_METERS);
        private final double metersPerDegreeLng;
        private final PriorityQueue<NearbyDriver> heap;

        Nearest(double lat, double lng, double radiusMeters, int limit, long now, long staleAfterMillis) {
            this.lat = lat;
            this.lng = lng;
            this.radiusMeters = radiusMeters;
            this.limit = limit;
            this.now = now;
            this.staleAfterMillis = staleAfterMillis;
            this.metersPerDegreeLng = metersPerDegreeLat * Math.cos(Math.toRadians(lat));
            this.heap = new PriorityQueue<>(limit + 1, FARTHEST_FIRST);
        }

        void offer(Entry entry) {
            Position position = entry.position;
            if (position == null || now - position.at() > staleAfterMillis || !entry.available()) {
                return;
            }
            double bound = full() ? Math.min(radiusMeters, farthestMeters()) : radiusMeters;
            double dy = (position.lat() - lat) * metersPerDegreeLat;
            double dx = (position.lng() - lng) * metersPerDegreeLng;
            if (dx * dx + dy * dy > square(bound * 1.01 + 1)) {
                return; // clearly out of reach: no need for the exact distance
            }
            double distance = GeoMath.distanceMeters(lat, lng, position.lat(), position.lng());
            if (distance > radiusMeters) {
                return;
            }
            NearbyDriver driver = new NearbyDriver(entry.id, position.lat(), position.lng(), distance,
                    Math.max(0, now - position.at()));
            if (!full()) {
                heap.add(driver);
            } else if (NEAREST.compare(driver, heap.peek()) < 0) {
                heap.poll();
                heap.add(driver);
            }
        }

        boolean full() {
            return heap.size() >= limit;
        }

        double farthestMeters() {
            return heap.peek().distanceMeters();
        }

        List<NearbyDriver> sorted() {
            return heap.stream().sorted(NEAREST).toList();
        }

        private static double square(double x) {
            return x * x;
        }
    }

    private static final Comparator<NearbyDriver> NEAREST = (a, b) -> {
        int byDistance = Double.compare(a.distanceMeters(), b.distanceMeters());
        return byDistance != 0 ? byDistance : a.driverId().compareTo(b.driverId());
    };

    /** Evicts silent drivers, at most once per stale period; cheap to call on every update. */
    public void evictStaleNowAndThen() {
        long now = clock.getAsLong();
        long last = lastEviction.get();
        if (now - last >= staleAfter.toMillis() && lastEviction.compareAndSet(last, now)) {
            evictStale();
        }
    }

    /**
     * Forgets the positions of drivers silent for twice the stale time, and the drivers themselves when they
     * never said whether they take rides; returns how many positions went. A driver's availability stays: it
     * is what the driver said, not what it last did.
     */
    public int evictStale() {
        long cutoff = clock.getAsLong() - 2 * staleAfter.toMillis();
        int evicted = 0;
        for (Entry entry : drivers.values()) {
            synchronized (entry) {
                Position position = entry.position;
                if (position != null && position.at() < cutoff) {
                    Cell ids = cells.get(position.cell());
                    if (ids != null) {
                        ids.remove(entry);
                    }
                    entry.position = null;
                    evicted++;
                }
                if (entry.position == null && entry.availability == null) {
                    drivers.remove(entry.id, entry);
                }
            }
        }
        return evicted;
    }

    /** Drivers with a known position, fresh or not. */
    public int size() {
        int positioned = 0;
        for (Entry entry : drivers.values()) {
            if (entry.position != null) {
                positioned++;
            }
        }
        return positioned;
    }
}
