package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.ride.sim.StreetGrid.Node;

import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One simulated driver, only through the HTTP API: registers, pushes its position over a WebSocket every second
 * while it drives along the streets, takes most offers, drives to the pick-up and then to a destination.
 */
final class SimDriver {

    private record Job(String rideId, Node pickup, Node dropoff, boolean pickedUp) {
    }

    private SimHttp http; // the user's own once signed up: its requests carry its token
    private final StreetGrid grid;
    private final SimStats stats;
    private final SplittableRandom random;
    private final double blocksPerSecond;
    private final AtomicReference<Job> job = new AtomicReference<>();
    private Node at;
    private Node next;
    private double progress;
    private String id;

    SimDriver(SimHttp http, StreetGrid grid, SimStats stats, long seed, double speedMetersPerSecond) {
        this.http = http;
        this.grid = grid;
        this.stats = stats;
        this.random = new SplittableRandom(seed);
        this.blocksPerSecond = speedMetersPerSecond / StreetGrid.BLOCK_METERS;
        this.at = grid.random(random);
        this.next = at;
    }

    /**
     * The position stream, opened as a driver's app would: a refused handshake (seen once in a loaded smoke
     * run, the gateway busy starting) is tried again after a pause, at most three times, and counted as a retry.
     * The gateway's answers on it ({@code {"rejected":n,"reason":..}} for a line it could not take) are errors.
     */
    private WebSocket openLocations() throws Exception {
        URI uri = URI.create(http.base().replace("http", "ws") + "/v1/drivers/" + id + "/locations");
        for (int attempt = 1; ; attempt++) {
            try {
                return http.webSocket().buildAsync(uri, new Answers()).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException refused) {
                if (attempt == 3) {
                    throw refused.getCause() instanceof WebSocketHandshakeException handshake
                            ? new SimHttp.Refused("the location stream of " + id + " (refused 3 times)",
                            handshake.getResponse().statusCode(), "") : refused;
                }
                stats.retries.increment();
                Thread.sleep(200L * attempt);
            }
        }
    }

    /** What the gateway says on the location socket: a rejected line is an error. */
    private final class Answers implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode answer = SimHttp.JSON.readTree(text.toString());
                    if (answer.path("rejected").asInt() > 0) {
                        stats.error("location rejected", "locations of " + id + ": " + answer.path("reason").asText(answer.toString()));
                    }
                } catch (Exception unreadable) {
                    stats.error("unreadable line", "locations of " + id + ": " + unreadable.getMessage());
                }
                text.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }

    /** Drives until interrupted; calls {@code joined} once signed up (or failed to get there). */
    void run(Runnable joined) {
        WebSocket locations = null;
        boolean signedUp = false;
        FollowedStream<JsonNode> offers = null;
        try {
            JsonNode signUp = http.post("/v1/drivers", Map.of("name", "Driver " + random.nextInt(100_000),
                    "phone", "+972 50 " + (1_000_000 + random.nextInt(8_999_999))), 5);
            id = signUp.get("id").asText();
            http = http.as(signUp);
            locations = openLocations();
            stats.driversOnline.incrementAndGet();
            offers = new FollowedStream<>(http, "/v1/drivers/" + id + "/offers", false, "offers of " + id, stats,
                    StreamLine.TREES, this::onOffer, () -> { }, () -> { }).start();
            // a new driver takes no ride until it says so: once its offers are followed, it goes online
            http.post("/v1/drivers/" + id + "/availability", Map.of("available", true), 5);
            signedUp = true;
            joined.run();
            while (!Thread.currentThread().isInterrupted()) {
                move();
                double lat = at.lat() + (next.lat() - at.lat()) * progress;
                double lng = at.lng() + (next.lng() - at.lng()) * progress;
                try {
                    locations.sendText("{\"lat\":" + lat + ",\"lng\":" + lng + "}", true).get(5, TimeUnit.SECONDS);
                    stats.locationUpdates.increment();
                } catch (ExecutionException | TimeoutException lost) {
                    // the socket broke: counted, and opened again as an app would (offline until then)
                    stats.driversOnline.decrementAndGet();
                    stats.error("stream lost", "locations of " + id + ": " + (lost.getCause() == null ? lost : lost.getCause()));
                    locations.abort();
                    locations = null;
                    locations = openLocations();
                    stats.driversOnline.incrementAndGet();
                }
                try {
                    advanceJob();
                } catch (java.io.IOException failed) {
                    stats.error("ride step of " + id, failed);
                    reconcile(); // as an app does after a step whose outcome it does not know
                }
                Thread.sleep(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            stats.error("driver " + id, e);
        } finally {
            if (!signedUp) {
                joined.run();
            }
            if (locations != null) {
                stats.driversOnline.decrementAndGet();
                locations.abort();
            }
            if (offers != null) {
                offers.close();
            }
        }
    }

    private void move() {
        progress += blocksPerSecond;
        while (progress >= 1) {
            progress -= 1;
            at = next;
            Job current = job.get();
            Node goal = current == null ? null : current.pickedUp() ? current.dropoff() : current.pickup();
            if (goal != null && StreetGrid.steps(at, goal) == 0) {
                next = at;
                progress = 0;
                return;
            }
            var choices = grid.neighbours(at);
            next = goal != null ? grid.towards(at, goal) : choices.get(random.nextInt(choices.size()));
        }
    }

    private void advanceJob() throws Exception {
        Job current = job.get();
        if (current == null) {
            return;
        }
        if (!current.pickedUp() && StreetGrid.steps(at, current.pickup()) == 0) {
            http.post("/v1/rides/" + current.rideId() + "/pickup", Map.of("driverId", id));
            job.set(new Job(current.rideId(), current.pickup(), current.dropoff(), true));
        } else if (current.pickedUp() && StreetGrid.steps(at, current.dropoff()) == 0) {
            http.post("/v1/rides/" + current.rideId() + "/dropoff", Map.of("driverId", id));
            stats.ridesCompleted.increment();
            job.set(null);
        }
    }

    /**
     * After a failed pick-up or drop-off (a timeout may have hidden a success), reads the ride and goes on from
     * what it says: picked up already, completed, or no longer this driver's; otherwise the step is tried again
     * on the next move.
     */
    private void reconcile() throws InterruptedException {
        Job current = job.get();
        if (current == null) {
            return;
        }
        try {
            JsonNode ride = http.get("/v1/rides/" + current.rideId());
            String status = ride.path("status").asText();
            if (!id.equals(ride.path("driverId").asText()) || status.equals("CANCELLED")) {
                job.set(null);
            } else if (status.equals("COMPLETED")) {
                stats.ridesCompleted.increment();
                job.set(null);
            } else if (status.equals("PICKED_UP") && !current.pickedUp()) {
                job.set(new Job(current.rideId(), current.pickup(), current.dropoff(), true));
            }
        } catch (java.io.IOException unknown) {
            // still unknown: the next move tries the step again
        }
    }

    private void onOffer(JsonNode offer) throws Exception {
        if (!offer.has("rideId")) {
            return;
        }
        String rideId = offer.get("rideId").asText();
        boolean accept = job.get() == null && random.nextInt(10) != 0;
        if (!accept) {
            stats.offersDeclined.increment();
        }
        JsonNode ride;
        try {
            ride = http.post("/v1/rides/" + rideId + "/answer", Map.of("driverId", id, "accept", accept));
        } catch (SimHttp.Refused refused) {
            if (refused.status() == 409) {
                stats.lateAnswers.increment(); // the offer expired or the ride was cancelled first: the protocol at work
                return;
            }
            throw refused;
        }
        if (accept && "ACCEPTED".equals(ride.path("status").asText())) {
            // what this driver was told: with the riders' side, a ride two drivers were told is theirs is caught
            stats.acceptedBy.computeIfAbsent(rideId, k -> ConcurrentHashMap.newKeySet()).add(id);
            Node pickup = nearest(offer.get("pickupLat").asDouble(), offer.get("pickupLng").asDouble());
            job.set(new Job(rideId, pickup, grid.random(random), false));
        }
    }

    private Node nearest(double lat, double lng) {
        return grid.nodes().min(Comparator.comparingDouble(n -> Math.hypot(n.lat() - lat, n.lng() - lng))).orElseThrow();
    }
}
