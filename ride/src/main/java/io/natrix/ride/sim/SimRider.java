package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.ride.sim.StreetGrid.Node;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One simulated rider, only through the HTTP API: registers, watches the drivers around it once a second (SSE),
 * requests a ride now and then, and follows it until it is completed or unmatched.
 */
final class SimRider {

    private final SimHttp http;
    private final SimStats stats;
    private final SplittableRandom random;
    private final double meanSecondsBetweenRequests;
    private final Node home;
    private final AtomicLong requestedAt = new AtomicLong(); // 0: no ride under way
    private String id;
    private volatile Stream<String> nearbyStream;
    private volatile Stream<String> rideStream;

    SimRider(SimHttp http, StreetGrid grid, SimStats stats, long seed, double meanSecondsBetweenRequests) {
        this.http = http;
        this.stats = stats;
        this.random = new SplittableRandom(seed);
        this.meanSecondsBetweenRequests = meanSecondsBetweenRequests;
        this.home = grid.random(random);
    }

    /** Watches and rides until interrupted; calls {@code joined} once online (or failed to get there). */
    void run(Runnable joined) {
        boolean online = false;
        try {
            id = http.post("/v1/riders", Map.of("name", "Rider " + random.nextInt(100_000), "phone", "+972 52 " + (1_000_000 + random.nextInt(8_999_999)))).get("id").asText();
            Thread.ofVirtual().start(this::watchNearby);
            Thread.ofVirtual().start(this::followRides);
            stats.ridersOnline.incrementAndGet();
            online = true;
            joined.run();
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(Math.round(-Math.log(1 - random.nextDouble()) * meanSecondsBetweenRequests * 1000));
                if (requestedAt.compareAndSet(0, System.currentTimeMillis())) {
                    JsonNode ride = http.post("/v1/rides", Map.of("riderId", id, "lat", home.lat(), "lng", home.lng()));
                    stats.ridesRequestedIds.add(ride.path("rideId").asText());
                    stats.ridesRequested.increment();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            stats.error("rider " + id + ": " + e.getMessage());
        } finally {
            if (!online) {
                joined.run();
            }
            close(nearbyStream);
            close(rideStream);
        }
    }

    private void watchNearby() {
        try (Stream<String> events = http.lines("/v1/riders/" + id + "/nearby?lat=" + home.lat() + "&lng=" + home.lng(), true)) {
            nearbyStream = events;
            long[] last = {0};
            events.filter(line -> line.startsWith("data: ")).forEach(line -> {
                try {
                    JsonNode nearby = SimHttp.JSON.readTree(line.substring(6));
                    stats.nearbyUpdates.increment();
                    long now = System.currentTimeMillis();
                    if (last[0] > 0) {
                        stats.nearbyGapMillis.recordValue(Math.min(3_600_000, now - last[0]));
                    }
                    last[0] = now;
                    long answeredAt = nearby.path("answeredAt").asLong();
                    if (answeredAt > 0) {
                        stats.freshnessMillis.recordValue(Math.min(3_600_000, Math.max(0, System.currentTimeMillis() - answeredAt)));
                    }
                    long freshest = Long.MAX_VALUE;
                    for (JsonNode driver : nearby.path("drivers")) {
                        freshest = Math.min(freshest, driver.path("ageMillis").asLong());
                    }
                    if (freshest != Long.MAX_VALUE) {
                        stats.positionAgeMillis.recordValue(Math.min(freshest, 3_600_000));
                    }
                } catch (Exception e) {
                    stats.error("nearby of " + id + ": " + e.getMessage());
                }
            });
        } catch (Exception e) {
            // the rider went home (its stream was closed) or the gateway went away
        }
    }

    private void followRides() {
        try (Stream<String> updates = http.lines("/v1/riders/" + id + "/rides", false)) {
            rideStream = updates;
            updates.filter(line -> line.startsWith("{")).forEach(line -> {
                try {
                    JsonNode update = SimHttp.JSON.readTree(line);
                    String status = update.path("status").asText();
                    long since = requestedAt.get();
                    switch (status) {
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
                } catch (Exception e) {
                    stats.error("ride update of " + id + ": " + e.getMessage());
                }
            });
        } catch (Exception e) {
            // as above
        }
    }

    private static void close(Stream<String> stream) {
        if (stream != null) {
            stream.close();
        }
    }
}
