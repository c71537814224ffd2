package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.ride.sim.StreetGrid.Node;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated rider, only through the HTTP API: registers, watches the drivers around it once a second (SSE),
 * requests a ride now and then, and follows it until it is completed or unmatched. It is online while its
 * nearby stream is open.
 */
final class SimRider {

    private SimHttp http; // the user's own once signed up: its requests carry its token
    private final SimStats stats;
    private final SplittableRandom random;
    private final double meanSecondsBetweenRequests;
    private final Node home;
    private final AtomicLong requestedAt = new AtomicLong(); // 0: no ride under way
    private final AtomicLong lastNearby = new AtomicLong();
    private String id;

    SimRider(SimHttp http, StreetGrid grid, SimStats stats, long seed, double meanSecondsBetweenRequests) {
        this.http = http;
        this.stats = stats;
        this.random = new SplittableRandom(seed);
        this.meanSecondsBetweenRequests = meanSecondsBetweenRequests;
        this.home = grid.random(random);
    }

    /** Watches and rides until interrupted; calls {@code joined} once signed up (or failed to get there). */
    void run(Runnable joined) {
        boolean signedUp = false;
        FollowedStream nearby = null;
        FollowedStream rides = null;
        try {
            JsonNode signUp = http.post("/v1/riders", Map.of("name", "Rider " + random.nextInt(100_000),
                    "phone", "+972 52 " + (1_000_000 + random.nextInt(8_999_999))), 5);
            id = signUp.get("id").asText();
            http = http.as(signUp);
            nearby = new FollowedStream(http, "/v1/riders/" + id + "/nearby?lat=" + home.lat() + "&lng=" + home.lng(), true,
                    "nearby of " + id, stats, this::onNearby, stats.ridersOnline::incrementAndGet,
                    stats.ridersOnline::decrementAndGet).start();
            rides = new FollowedStream(http, "/v1/riders/" + id + "/rides", false, "rides of " + id, stats,
                    this::onRideUpdate, () -> { }, () -> { }).start();
            signedUp = true;
            joined.run();
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(Math.round(-Math.log(1 - random.nextDouble()) * meanSecondsBetweenRequests * 1000));
                if (requestedAt.compareAndSet(0, System.currentTimeMillis())) {
                    try {
                        JsonNode ride = http.post("/v1/rides", Map.of("riderId", id, "lat", home.lat(), "lng", home.lng()));
                        stats.ridesRequestedIds.put(ride.path("rideId").asText(), http); // its rider may look it up
                        stats.ridesRequested.increment();
                    } catch (java.io.IOException failed) {
                        requestedAt.set(0); // no ride under way: ask again next time, as a rider would
                        stats.error("ride request of " + id, failed);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            stats.error("rider " + id, e);
        } finally {
            if (!signedUp) {
                joined.run();
            }
            if (nearby != null) {
                nearby.close();
            }
            if (rides != null) {
                rides.close();
            }
        }
    }

    /** An answer with drivers (or none near): freshness from the moment the gateway asked. */
    private void onNearby(JsonNode answer) {
        JsonNode drivers = answer.path("drivers");
        stats.nearbyAnswer(answer.path("estimator").asText(), !drivers.isEmpty());
        long now = System.currentTimeMillis();
        long last = lastNearby.getAndSet(now);
        if (last > 0) {
            stats.nearbyGapMillis.recordValue(Math.min(3_600_000, now - last));
        }
        long askedAt = answer.path("askedAt").asLong();
        if (askedAt > 0) {
            stats.freshnessMillis.recordValue(Math.min(3_600_000, Math.max(0, now - askedAt)));
        }
        long freshest = Long.MAX_VALUE;
        for (JsonNode driver : drivers) {
            freshest = Math.min(freshest, driver.path("ageMillis").asLong());
        }
        if (freshest != Long.MAX_VALUE) {
            stats.positionAgeMillis.recordValue(Math.min(freshest, 3_600_000));
        }
    }

    private void onRideUpdate(JsonNode update) {
        long since = requestedAt.get();
        switch (update.path("status").asText()) {
            case "ACCEPTED" -> {
                stats.acceptedBy.computeIfAbsent(update.path("rideId").asText(), k -> ConcurrentHashMap.newKeySet())
                        .add(update.path("driverId").asText());
                stats.ridesAccepted.increment();
                if (since > 0) {
                    stats.matchMillis.recordValue(Math.max(0, System.currentTimeMillis() - since));
                }
            }
            case "COMPLETED", "CANCELLED" -> requestedAt.set(0);
            case "UNMATCHED" -> {
                stats.ridesUnmatched.increment();
                requestedAt.set(0);
            }
            default -> { }
        }
    }
}
