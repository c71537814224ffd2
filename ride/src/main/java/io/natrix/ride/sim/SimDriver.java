package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.ride.sim.StreetGrid.Node;

import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * One simulated driver, only through the HTTP API: registers, pushes its position over a WebSocket every second
 * while it drives along the streets, takes most offers, drives to the pick-up and then to a destination.
 */
final class SimDriver {

    private record Job(String rideId, Node pickup, Node dropoff, boolean pickedUp) {
    }

    private final SimHttp http;
    private final StreetGrid grid;
    private final SimStats stats;
    private final SplittableRandom random;
    private final double blocksPerSecond;
    private final AtomicReference<Job> job = new AtomicReference<>();
    private Node at;
    private Node next;
    private double progress;
    private String id;
    private volatile Stream<String> offerStream;

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
     */
    private WebSocket openLocations() throws Exception {
        URI uri = URI.create(http.base().replace("http", "ws") + "/v1/drivers/" + id + "/locations");
        for (int attempt = 1; ; attempt++) {
            try {
                return http.client().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException refused) {
                if (attempt == 3) {
                    throw refused.getCause() instanceof WebSocketHandshakeException handshake
                            ? new IllegalStateException("the location stream was refused 3 times, last with HTTP "
                            + handshake.getResponse().statusCode(), handshake) : refused;
                }
                stats.retries.increment();
                Thread.sleep(200L * attempt);
            }
        }
    }

    /** Drives until interrupted; calls {@code joined} once online (or failed to get there). */
    void run(Runnable joined) {
        WebSocket locations = null;
        boolean online = false;
        try {
            id = http.post("/v1/drivers", Map.of("name", "Driver " + random.nextInt(100_000), "phone", "+972 50 " + (1_000_000 + random.nextInt(8_999_999)))).get("id").asText();
            locations = openLocations();
            Thread.ofVirtual().start(this::listenForOffers);
            stats.driversOnline.incrementAndGet();
            online = true;
            joined.run();
            while (!Thread.currentThread().isInterrupted()) {
                move();
                double lat = at.lat() + (next.lat() - at.lat()) * progress;
                double lng = at.lng() + (next.lng() - at.lng()) * progress;
                locations.sendText("{\"lat\":" + lat + ",\"lng\":" + lng + "}", true).get(5, TimeUnit.SECONDS);
                stats.locationUpdates.increment();
                advanceJob();
                Thread.sleep(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            stats.error("driver " + id + ": " + e.getMessage());
        } finally {
            if (!online) {
                joined.run();
            }
            if (locations != null) {
                locations.abort();
            }
            Stream<String> offers = offerStream;
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

    private void listenForOffers() {
        try (Stream<String> offers = http.lines("/v1/drivers/" + id + "/offers", false)) {
            offerStream = offers;
            offers.filter(line -> line.startsWith("{\"rideId\"")).forEach(line -> {
                try {
                    JsonNode offer = SimHttp.JSON.readTree(line);
                    boolean accept = job.get() == null && random.nextInt(10) != 0;
                    if (!accept) {
                        stats.offersDeclined.increment();
                    }
                    JsonNode ride = http.post("/v1/rides/" + offer.get("rideId").asText() + "/answer",
                            Map.of("driverId", id, "accept", accept));
                    if (accept && "ACCEPTED".equals(ride.get("status").asText())) {
                        Node pickup = nearest(offer.get("pickupLat").asDouble(), offer.get("pickupLng").asDouble());
                        job.set(new Job(offer.get("rideId").asText(), pickup, grid.random(random), false));
                    }
                } catch (Exception e) {
                    if (String.valueOf(e.getMessage()).contains("→ 409")) {
                        stats.lateAnswers.increment(); // the offer expired or the ride was cancelled first: the protocol at work
                    } else {
                        stats.error("offer for " + id + ": " + e.getMessage());
                    }
                }
            });
        } catch (Exception e) {
            // the driver went off shift (its stream was closed) or the gateway went away
        }
    }

    private Node nearest(double lat, double lng) {
        return grid.nodes().min(Comparator.comparingDouble(n -> Math.hypot(n.lat() - lat, n.lng() - lng))).orElseThrow();
    }
}
