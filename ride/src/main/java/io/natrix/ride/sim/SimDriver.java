package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.ride.sim.StreetGrid.Node;

import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One simulated driver, only through the HTTP API: registers, pushes its position over a WebSocket every second
 * while it drives along the streets, takes most of the offers that come back on the same socket, drives to the
 * pick-up and then to a destination.
 * Its own virtual thread signs up, opens its streams and opens the location socket again when it is lost; the
 * driving itself is a tick on the location sockets' event loop ({@link #tick()}), and a ride's pick-up or
 * drop-off, which waits for an answer, runs on a virtual thread of its own.
 */
final class SimDriver implements SimSockets.Ticked {

    private record Job(String rideId, Node pickup, Node dropoff, boolean pickedUp) {
    }

    private volatile SimHttp http; // the user's own once signed up: its requests carry its token
    private final StreetGrid grid;
    private final SimStats stats;
    private final SplittableRandom random; // the driving's: the tick's only, once started
    private final SplittableRandom offerRandom; // the offers' (one answered at a time)
    private final double blocksPerSecond;
    private final AtomicReference<Job> job = new AtomicReference<>();
    private final Runnable positionSent; // counted once its frame is written: one for every tick, made once
    private final AtomicBoolean stepping = new AtomicBoolean(); // a pick-up or drop-off is on its way
    private final java.util.concurrent.locks.ReentrantLock answering = new java.util.concurrent.locks.ReentrantLock(true);
    private volatile LocationSocket locations; // null while it is being opened
    private volatile Thread stepper;
    // the tick's own (the event loop's), set before the driver's first tick
    private Node at;
    private Node next;
    private double progress;
    private volatile String id;

    SimDriver(SimHttp http, StreetGrid grid, SimStats stats, long seed, double speedMetersPerSecond) {
        this.http = http;
        this.grid = grid;
        this.stats = stats;
        this.positionSent = stats.locationUpdates::increment;
        this.random = new SplittableRandom(seed);
        this.offerRandom = random.split();
        this.blocksPerSecond = speedMetersPerSecond / StreetGrid.BLOCK_METERS;
        this.at = grid.random(random);
        this.next = at;
    }

    /**
     * The position stream, opened as a driver's app would: a refused handshake (seen once in a loaded smoke
     * run, the gateway busy starting) is tried again after a pause, at most three times, and counted as a retry.
     * The gateway's answers on it ({@code {"rejected":n,"reason":..}} for a line it could not take) are errors.
     */
    private LocationSocket openLocations() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return http.webSocket("/v1/drivers/" + id + "/locations", this::answered);
            } catch (java.io.IOException refused) {
                if (attempt == 3) {
                    throw refused instanceof SimHttp.Refused ? new SimHttp.Refused("the location stream of " + id
                            + " (refused 3 times)", ((SimHttp.Refused) refused).status(), "") : refused;
                }
                stats.retries.increment();
                Thread.sleep(200L * attempt);
            }
        }
    }

    /**
     * What the gateway says on the location socket: an offer (the socket is the driver's only stream), or a
     * rejected line or a notice that the driver fell behind, which are errors.
     */
    private void answered(String text) {
        try {
            JsonNode answer = SimHttp.JSON.readTree(text);
            if (answer.has("rideId")) {
                offered(answer);
            } else if (answer.path("rejected").asInt() > 0) {
                stats.error("location rejected", "locations of " + id + ": " + answer.path("reason").asText(answer.toString()));
            } else {
                stats.error("unexpected message", "locations of " + id + ": " + text);
            }
        } catch (Exception unreadable) {
            stats.error("unreadable line", "locations of " + id + ": " + unreadable.getMessage());
        }
    }

    /**
     * Drives until interrupted; calls {@code joined} once, when signed up and available or when a try to get
     * there first failed (it goes on trying, as an app does, while the others join).
     */
    void run(Runnable joined) {
        Runnable joinedOnce = once(joined);
        int slot = -1;
        try {
            JsonNode signUp = http.postUntilAccepted("/v1/drivers", Map.of("name", "Driver " + random.nextInt(100_000),
                    "phone", "+972 50 " + (1_000_000 + random.nextInt(8_999_999))), "driver sign-up", joinedOnce);
            id = signUp.get("id").asText();
            http = http.as(signUp);
            // its offers come on the same socket, subscribed before the socket is open
            locations = openLocations();
            stats.driversOnline.incrementAndGet();
            // a new driver takes no ride until it says so: once its offers are followed, it goes online
            http.postUntilAccepted("/v1/drivers/" + id + "/availability", Map.of("available", true), "driver " + id,
                    joinedOnce);
            joinedOnce.run();
            slot = http.sockets().start(this);
            while (!Thread.currentThread().isInterrupted()) {
                LocationSocket open = locations;
                String why = open.ended().get();
                // the socket broke: counted, and opened again as an app would (offline until then)
                locations = null;
                stats.driversOnline.decrementAndGet();
                stats.error("stream lost", "locations of " + id + ": " + why);
                locations = openLocations();
                stats.driversOnline.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            stats.error("driver " + id, e);
        } finally {
            if (slot >= 0) {
                http.sockets().stop(this, slot);
            }
            joinedOnce.run();
            LocationSocket open = locations;
            if (open != null) {
                locations = null;
                stats.driversOnline.decrementAndGet();
                open.close();
            }
            Thread step = stepper;
            if (step != null) {
                step.interrupt();
            }
        }
    }

    /**
     * One second of driving, on the event loop: a step along the streets and the position sent, and when the
     * driver has reached its pick-up or drop-off, that step sent on a thread of its own (it waits for dispatch).
     * Skipped while the location socket is being opened again, as the driver's thread did while it waited.
     */
    @Override
    public void tick() {
        LocationSocket open = locations;
        if (open == null) {
            return;
        }
        move();
        double lat = at.lat() + (next.lat() - at.lat()) * progress;
        double lng = at.lng() + (next.lng() - at.lng()) * progress;
        open.send("{\"lat\":" + lat + ",\"lng\":" + lng + "}", positionSent);
        Job current = job.get();
        if (current != null && StreetGrid.steps(at, current.pickedUp() ? current.dropoff() : current.pickup()) == 0
                && stepping.compareAndSet(false, true)) {
            stepper = Thread.ofVirtual().name("step of " + id).start(() -> step(current));
        }
    }

    /** The pick-up or drop-off the driver has reached; when its outcome is unknown, the ride is read again. */
    private void step(Job current) {
        try {
            if (!current.pickedUp()) {
                http.post("/v1/rides/" + current.rideId() + "/pickup", Map.of("driverId", id));
                job.compareAndSet(current, new Job(current.rideId(), current.pickup(), current.dropoff(), true));
            } else {
                http.post("/v1/rides/" + current.rideId() + "/dropoff", Map.of("driverId", id));
                stats.ridesCompleted.increment();
                job.compareAndSet(current, null);
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException failed) {
            stats.rideError(current.rideId(), "ride step of " + id, failed);
            try {
                reconcile(); // as an app does after a step whose outcome it does not know
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        } finally {
            stepper = null;
            stepping.set(false);
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

    /**
     * An offer, read on the event loop: answered on a virtual thread of its own, since the answer waits for
     * dispatch, and one offer at a time, in the order they came, as the driver's app shows them.
     */
    private void offered(JsonNode offer) {
        Thread.ofVirtual().name("offer to " + id).start(() -> {
            answering.lock();
            try {
                onOffer(offer);
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            } catch (Exception failure) {
                stats.error("offers of " + id, failure);
            } finally {
                answering.unlock();
            }
        });
    }

    private void onOffer(JsonNode offer) throws Exception {
        if (!offer.has("rideId")) {
            return;
        }
        String rideId = offer.get("rideId").asText();
        boolean accept = job.get() == null && offerRandom.nextInt(10) != 0;
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
            stats.rideError(rideId, "offers of " + id, refused);
            return;
        } catch (java.io.IOException failed) {
            stats.rideError(rideId, "offers of " + id, failed);
            return;
        }
        if (accept && "ACCEPTED".equals(ride.path("status").asText())) {
            // what this driver was told: with the riders' side, a ride two drivers were told is theirs is caught
            stats.acceptedBy.computeIfAbsent(rideId, k -> ConcurrentHashMap.newKeySet()).add(id);
            Node pickup = nearest(offer.get("pickupLat").asDouble(), offer.get("pickupLng").asDouble());
            job.set(new Job(rideId, pickup, grid.random(offerRandom), false));
        }
    }

    private Node nearest(double lat, double lng) {
        return grid.nodes().min(Comparator.comparingDouble(n -> Math.hypot(n.lat() - lat, n.lng() - lng))).orElseThrow();
    }

    /** {@code action}, run the first time the returned runnable runs and never again: an agent joins once. */
    static Runnable once(Runnable action) {
        AtomicBoolean ran = new AtomicBoolean();
        return () -> {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        };
    }
}
