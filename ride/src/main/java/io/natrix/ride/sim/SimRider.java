package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.ride.sim.StreetGrid.Node;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated rider, only through the HTTP API: registers, watches the drivers around it once a second (SSE),
 * requests a ride now and then, and follows it until it is completed or unmatched, on the same one stream (its
 * rides come between the nearby answers). It is online while that stream is open.
 */
final class SimRider {

    /** Dispatch's 409 for a rider that already has a ride names it: "already has ride ID (STATE)". */
    private static final java.util.regex.Pattern EXISTING_RIDE = java.util.regex.Pattern.compile("already has ride ([A-Za-z0-9_-]+)");

    private SimHttp http; // the user's own once signed up: its requests carry its token
    private final SimStats stats;
    private final SplittableRandom random;
    private final double meanSecondsBetweenRequests;
    private final Node home;
    private final AtomicLong requestedAt = new AtomicLong(); // 0: no ride under way
    // the ride under way, once known: only its own end ends it (a late or repeated end of an earlier ride does not)
    private final java.util.concurrent.atomic.AtomicReference<String> underWay = new java.util.concurrent.atomic.AtomicReference<>();
    private final AtomicLong lastNearby = new AtomicLong();
    private String id;

    SimRider(SimHttp http, StreetGrid grid, SimStats stats, long seed, double meanSecondsBetweenRequests) {
        this.http = http;
        this.stats = stats;
        this.random = new SplittableRandom(seed);
        this.meanSecondsBetweenRequests = meanSecondsBetweenRequests;
        this.home = grid.random(random);
    }

    /**
     * Watches and rides until interrupted; calls {@code joined} once, when signed up or when a try to sign up
     * first failed (it goes on trying, as an app does, while the others join).
     */
    void run(Runnable joined) {
        Runnable joinedOnce = SimDriver.once(joined);
        FollowedStream<Object> stream = null;
        try {
            JsonNode signUp = http.postUntilAccepted("/v1/riders", Map.of("name", "Rider " + random.nextInt(100_000),
                    "phone", "+972 52 " + (1_000_000 + random.nextInt(8_999_999))), "rider sign-up", joinedOnce);
            id = signUp.get("id").asText();
            http = http.as(signUp);
            stream = new FollowedStream<>(http, "/v1/riders/" + id + "/nearby?lat=" + home.lat() + "&lng=" + home.lng(), true,
                    "nearby of " + id, stats, SimRider::read, this::onMessage, stats.ridersOnline::incrementAndGet,
                    stats.ridersOnline::decrementAndGet).start();
            joinedOnce.run();
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(Math.round(-Math.log(1 - random.nextDouble()) * meanSecondsBetweenRequests * 1000));
                if (requestedAt.compareAndSet(0, System.currentTimeMillis())) {
                    try {
                        JsonNode ride = http.post("/v1/rides", Map.of("riderId", id, "lat", home.lat(), "lng", home.lng()));
                        underWay.set(ride.path("rideId").asText());
                        stats.ridesRequestedIds.put(ride.path("rideId").asText(), http); // its rider may look it up
                        stats.ridesRequested.increment();
                    } catch (SimHttp.Refused refused) {
                        java.util.regex.Matcher existing = EXISTING_RIDE.matcher(String.valueOf(refused.getMessage()));
                        if (refused.status() == 409 && existing.find()) {
                            // an earlier request whose answer was lost made the ride: follow it, as an app shows it
                            underWay.set(existing.group(1));
                            stats.retries.increment();
                        } else {
                            requestedAt.set(0); // no ride under way: ask again next time, as a rider would
                            stats.error("ride request of " + id, refused);
                        }
                    } catch (java.io.IOException failed) {
                        requestedAt.set(0);
                        stats.error("ride request of " + id, failed);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            stats.error("rider " + id, e);
        } finally {
            joinedOnce.run();
            if (stream != null) {
                stream.close();
            }
        }
    }

    /**
     * One line of the rider's stream: a ride of its own as it changes (it has a {@code rideId}: read whole, they
     * are few) or a nearby answer (read in one pass, {@link NearbyAnswer}).
     */
    static StreamLine<Object> read(String json) throws java.io.IOException {
        StreamLine<?> line = json.contains("\"rideId\"") ? StreamLine.TREES.read(json) : NearbyAnswer.read(json);
        return switch (line) {
            case StreamLine.Message<?> message -> new StreamLine.Message<>(message.value());
            case StreamLine.Failed<?> failed -> new StreamLine.Failed<>(failed.error());
            case StreamLine.Closing<?> ignored -> new StreamLine.Closing<>();
        };
    }

    private void onMessage(Object message) {
        switch (message) {
            case NearbyAnswer answer -> onNearby(answer);
            case JsonNode ride -> onRideUpdate(ride);
            default -> throw new IllegalStateException("not a line of a rider's stream: " + message);
        }
    }

    /** An answer with drivers (or none near): freshness from the moment the gateway asked. */
    private void onNearby(NearbyAnswer answer) {
        long now = System.currentTimeMillis();
        long last = lastNearby.getAndSet(now);
        long askedAt = answer.askedAt();
        stats.nearbyAnswer(answer.estimator(), answer.drivers() > 0, askedAt > 0 ? Math.max(0, now - askedAt) : -1,
                answer.freshestAgeMillis() != Long.MAX_VALUE ? Math.max(0, answer.freshestAgeMillis()) : -1,
                last > 0 ? Math.max(0, now - last) : -1);
    }

    /** A ride ended: when it is the one under way (or that one is not known yet), the rider may ask again. */
    private void ended(String rideId) {
        String waiting = underWay.get();
        if (waiting == null || waiting.equals(rideId)) {
            underWay.compareAndSet(waiting, null);
            requestedAt.set(0);
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
            case "COMPLETED", "CANCELLED" -> ended(update.path("rideId").asText());
            case "UNMATCHED" -> {
                stats.ridesUnmatched.increment();
                ended(update.path("rideId").asText());
            }
            default -> { }
        }
    }
}
