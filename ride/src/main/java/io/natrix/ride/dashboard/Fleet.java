package io.natrix.ride.dashboard;

import io.natrix.ride.dispatch.RideMessages.EventType;
import io.natrix.ride.dispatch.RideMessages.RideEvent;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;
import io.natrix.ride.geo.GeoMessages.DriverPosition;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the city looks like now, from the events every instance broadcasts: drivers' positions and
 * availability, and each ride's last event. Nothing here is asked for; it is all overheard.
 */
final class Fleet {

    /** A driver not heard from for this long has gone offline. */
    static final long DRIVER_GONE_MILLIS = 30_000;
    /** A finished ride stays on the map this long, then goes. */
    static final long FINISHED_SHOWN_MILLIS = 5_000;

    private record Driver(double lat, double lng, boolean available, long seen) {
    }

    private record Ride(String riderId, String driverId, EventType last, double lat, double lng, long at) {
        boolean finished() {
            return last == EventType.COMPLETED || last == EventType.CANCELLED || last == EventType.UNMATCHED;
        }
    }

    private final Map<String, Driver> drivers = new ConcurrentHashMap<>();
    // a short number per driver for the snapshot: a fleet of 20,000 in under 1 MB (NATS's largest message)
    private final Map<String, Integer> numbers = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger nextNumber = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, Ride> rides = new ConcurrentHashMap<>();
    private final Map<EventType, Long> totals = new ConcurrentHashMap<>();

    void position(DriverPosition position) {
        drivers.compute(position.driverId(), (id, known) -> new Driver(position.lat(), position.lng(),
                known == null || known.available(), System.currentTimeMillis()));
    }

    void availability(DriverAvailability change) {
        drivers.computeIfPresent(change.driverId(), (id, known) -> new Driver(known.lat(), known.lng(), change.available(), known.seen()));
    }

    void ride(RideEvent event) {
        totals.merge(event.type(), 1L, Long::sum);
        // every event carries the pick-up point; a driver only once one is offered (and keeps it after)
        rides.compute(event.rideId(), (id, known) -> {
            if (known != null && known.at() > event.at()) {
                return known; // an older event heard late
            }
            String driver = event.driverId() != null || known == null ? event.driverId() : known.driverId();
            return new Ride(event.riderId(), driver, event.type(), event.lat(), event.lng(), event.at());
        });
    }

    /**
     * One driver on the map, written as a JSON array to keep a snapshot of 20,000 drivers under NATS's 1 MB:
     * {@code [n, lat, lng, state]}, where {@code n} is the driver's number on this dashboard (stable while the
     * driver is on the map) and {@code state} is {@code a} (available), {@code o} (offered a ride), {@code b}
     * (on one) or {@code w} (away). About 30 bytes a driver.
     */
    @com.fasterxml.jackson.annotation.JsonFormat(shape = com.fasterxml.jackson.annotation.JsonFormat.Shape.ARRAY)
    @com.fasterxml.jackson.annotation.JsonPropertyOrder({"n", "lat", "lng", "state"})
    record DriverDot(int n, double lat, double lng, String state) {
    }

    /** One rider on the map: waiting at the pick-up point, or riding (drawn at the driver, by its number). */
    record RiderDot(String rideId, double lat, double lng, String state, Integer driver) {
    }

    /** Rides now, by stage, and every event type counted since the dashboard started. */
    record RideCounts(int waiting, int offered, int enRoute, int riding, Map<EventType, Long> totals) {
    }

    List<DriverDot> drivers() {
        long now = System.currentTimeMillis();
        drivers.entrySet().removeIf(entry -> now - entry.getValue().seen() > DRIVER_GONE_MILLIS);
        numbers.keySet().retainAll(drivers.keySet());
        Map<String, String> engaged = new HashMap<>();
        rides.values().forEach(ride -> {
            if (ride.driverId() != null && !ride.finished()) {
                switch (ride.last()) {
                    case OFFERED -> engaged.putIfAbsent(ride.driverId(), "o");
                    case ACCEPTED, PICKED_UP -> engaged.put(ride.driverId(), "b");
                    default -> { }
                }
            }
        });
        List<DriverDot> dots = new ArrayList<>(drivers.size());
        drivers.forEach((id, driver) -> dots.add(new DriverDot(number(id), round(driver.lat()), round(driver.lng()),
                engaged.getOrDefault(id, driver.available() ? "a" : "w"))));
        return dots;
    }

    List<RiderDot> riders() {
        long now = System.currentTimeMillis();
        rides.entrySet().removeIf(entry -> entry.getValue().finished() && now - entry.getValue().at() > FINISHED_SHOWN_MILLIS);
        List<RiderDot> dots = new ArrayList<>();
        rides.forEach((id, ride) -> {
            if (ride.finished()) {
                return;
            }
            Driver driver = ride.driverId() == null ? null : drivers.get(ride.driverId());
            boolean riding = ride.last() == EventType.PICKED_UP && driver != null;
            dots.add(new RiderDot(id, round(riding ? driver.lat() : ride.lat()), round(riding ? driver.lng() : ride.lng()),
                    riding ? "riding" : ride.last() == EventType.ACCEPTED ? "pickup" : "waiting",
                    driver == null ? null : number(ride.driverId())));
        });
        return dots;
    }

    RideCounts counts() {
        int waiting = 0, offered = 0, enRoute = 0, riding = 0;
        for (Ride ride : rides.values()) {
            switch (ride.last()) {
                case REQUESTED, DECLINED, EXPIRED -> waiting++;
                case OFFERED -> offered++;
                case ACCEPTED -> enRoute++;
                case PICKED_UP -> riding++;
                default -> { }
            }
        }
        Map<EventType, Long> all = new EnumMap<>(EventType.class);
        all.putAll(totals);
        return new RideCounts(waiting, offered, enRoute, riding, all);
    }

    private int number(String driverId) {
        return numbers.computeIfAbsent(driverId, id -> nextNumber.incrementAndGet());
    }

    /** Five decimals: about a metre, and a smaller snapshot. */
    private static double round(double degrees) {
        return Math.round(degrees * 100_000) / 100_000.0;
    }
}
