package io.natrix.ride.dispatch;

import io.natrix.ride.geo.GeoApi;
import io.natrix.CallOptions;
import io.natrix.Natrix;
import io.natrix.NatrixException;
import io.natrix.ride.dispatch.RideMessages.DriverEta;
import io.natrix.ride.dispatch.RideMessages.EventType;
import io.natrix.ride.dispatch.RideMessages.NearbyWithEta;
import io.natrix.ride.dispatch.RideMessages.Offer;
import io.natrix.ride.dispatch.RideMessages.Ride;
import io.natrix.ride.dispatch.RideMessages.RideEvent;
import io.natrix.ride.dispatch.RideMessages.Status;
import io.natrix.ride.eta.EtaMessages.Candidate;
import io.natrix.ride.eta.EtaMessages.EtaRequest;
import io.natrix.ride.eta.EtaMessages.Etas;
import io.natrix.ride.eta.EtaService;
import io.natrix.ride.geo.GeoMessages.NearbyDriver;
import io.natrix.ride.geo.GeoMessages.NearbyDrivers;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds a driver for one ride: nearby available drivers, ranked by ETA (the first of two estimators to answer),
 * offered one at a time; a decline or a silent offer moves on to the next. Runs on a virtual thread of its own
 * until the ride is accepted, cancelled or unmatched. Every step is a conditional append, so a matcher that
 * lost a race (a cancel, or another instance's matcher) simply reads the new state and goes on from there.
 */
final class Matcher {

    /**
     * Asking geo is a query: safe to send twice. A copy goes out when the first is slower than geo's recent p95
     * (to another instance, most likely: a frozen or lagging instance no longer sets the rider's wait), and a
     * timed-out attempt is tried once more, all within the caller's deadline.
     */
    private static final Duration GEO_TIMEOUT = Duration.ofSeconds(2);
    static final CallOptions GEO_QUERY = CallOptions.timeout(GEO_TIMEOUT).idempotent().retries(1).hedgeAtP95();

    private final Natrix natrix;
    private final RideLedger ledger;
    private final DriverClaims claims;
    private final DispatchConfig config;
    private final Notifier notifier;

    Matcher(Natrix natrix, RideLedger ledger, DriverClaims claims, DispatchConfig config, Notifier notifier) {
        this.natrix = natrix;
        this.ledger = ledger;
        this.claims = claims;
        this.config = config;
        this.notifier = notifier;
    }

    void match(String rideId) throws Exception {
        while (true) {
            RideLedger.Entry entry = ledger.entry(rideId).orElseThrow();
            Ride ride = entry.ride();
            long now = System.currentTimeMillis();
            switch (ride.status()) {
                case REQUESTED -> {
                    if (now > ride.requestedAt() + config.matchingWindow().toMillis()) {
                        ledger.append(event(EventType.UNMATCHED, ride, null, 0), entry.sequence()).ifPresent(notifier::rider);
                        continue;
                    }
                    if (!offerToBest(ride, entry.sequence())) {
                        ledger.awaitChange(rideId, entry.sequence(), Duration.ofSeconds(1)); // nobody free: look again soon
                    }
                }
                case OFFERED -> {
                    long expires = ride.updatedAt() + config.offerTimeout().toMillis();
                    if (now >= expires) {
                        Optional<Ride> expired = ledger.append(event(EventType.EXPIRED, ride, ride.driverId(), 0), entry.sequence());
                        if (expired.isPresent()) {
                            claims.release(ride.driverId(), rideId);
                            notifier.rider(expired.get());
                        }
                    } else {
                        ledger.awaitChange(rideId, entry.sequence(), Duration.ofMillis(expires - now));
                    }
                }
                default -> {
                    return; // accepted, under way, or finished: matching is over
                }
            }
        }
    }

    /** Claims the best free candidate and offers the ride; false if there was nobody to offer it to. */
    private boolean offerToBest(Ride ride, long sequence) throws Exception {
        NearbyWithEta candidates;
        try {
            candidates = ranked(new NearbyRequest(ride.pickupLat(), ride.pickupLng(), config.searchRadiusMeters(), 10),
                    ride.declinedBy());
        } catch (NatrixException geoUnavailable) {
            return false; // no geo answer this time: look again soon, within the matching window
        }
        for (DriverEta candidate : candidates.drivers()) {
            try {
                if (!claims.claim(candidate.driverId(), ride.rideId()) && !reclaimed(candidate.driverId(), ride.rideId())) {
                    continue; // another ride holds this driver
                }
            } catch (IOException claimsUnavailable) {
                // with regions, the driver's claim is kept in its home region, which does not answer (lost): the next
                // candidate; and in case the claim was stored with only its answer lost, undone while it still can be
                try {
                    claims.release(candidate.driverId(), ride.rideId());
                } catch (IOException stillUnavailable) {
                    // stored in a region that then answered nothing: it stays (a known gap, docs/scaling.md)
                }
                continue;
            }
            Optional<Ride> offered = ledger.append(event(EventType.OFFERED, ride, candidate.driverId(), candidate.etaSeconds()), sequence);
            if (offered.isEmpty()) {
                claims.release(candidate.driverId(), ride.rideId()); // the ride changed meanwhile
                return true;
            }
            natrix.publish(DispatchApi.offersTo(candidate.driverId()), new Offer(ride.rideId(), ride.riderId(),
                    ride.pickupLat(), ride.pickupLng(), candidate.etaSeconds(),
                    offered.get().updatedAt() + config.offerTimeout().toMillis()));
            notifier.rider(offered.get());
            return true;
        }
        return false;
    }

    /**
     * Takes over a claim left behind: held by a ride that has finished, or that went to another driver (a claim
     * whose answer was lost, as its region died, after which the ride was offered elsewhere). Only a ride this
     * instance knows is judged, after folding every event of it stored so far; a ride still looking for a driver
     * (REQUESTED: it may be between its claim and its offer) is left alone, and so is a ride of a region it has
     * not folded.
     */
    private boolean reclaimed(String driverId, String rideId) throws IOException, InterruptedException {
        Optional<String> holder = claims.heldBy(driverId);
        if (holder.isEmpty() || holder.get().equals(rideId) || !leftBehind(holder.get(), driverId)) {
            return false; // the common case, a driver offered another ride, judged on what this instance has folded
        }
        ledger.catchUp(holder.get()); // a stale view is checked against every event stored so far before acting on it
        if (!leftBehind(holder.get(), driverId)) {
            return false;
        }
        claims.release(driverId, holder.get());
        return claims.claim(driverId, rideId);
    }

    /** Whether ride {@code holder}, as this instance knows it, no longer needs the driver: finished, or another's. */
    private boolean leftBehind(String holder, String driverId) {
        return ledger.entry(holder).map(RideLedger.Entry::ride).filter(held -> RideState.finished(held)
                || held.driverId() != null && !held.driverId().equals(driverId)).isPresent();
    }

    /**
     * Nearby available drivers with their pick-up times, fastest first: ranked by the first ETA estimator to
     * answer within the deadline, or by distance if none does ({@code "distance"}); {@code "none"} when nobody
     * is near. Without an answer from geo there is no answer at all: its failure is thrown, never passed off as
     * an empty neighbourhood.
     */
    NearbyWithEta ranked(NearbyRequest area, List<String> excluded) {
        double lat = area.lat();
        double lng = area.lng();
        // with regions, the geo instances of the pick-up's region answer, wherever they run (GeoRegions)
        NearbyDrivers nearby = askGeo(config.regions().map(regions -> regions.nearbySubjects(lat, lng, area.radiusMeters()))
                .orElse(List.of(GeoApi.NEARBY)), area);
        Map<String, NearbyDriver> fresh = nearby.drivers().stream().filter(d -> !excluded.contains(d.driverId()))
                .collect(Collectors.toMap(NearbyDriver::driverId, d -> d, (a, b) -> a, LinkedHashMap::new));
        if (fresh.isEmpty()) {
            return new NearbyWithEta("none", List.of(), System.currentTimeMillis());
        }
        EtaRequest request = new EtaRequest(lat, lng,
                fresh.values().stream().map(d -> new Candidate(d.driverId(), d.lat(), d.lng())).toList(), System.currentTimeMillis());
        try {
            Etas etas = EtaService.estimate(natrix, request, config.etaDeadline());
            return new NearbyWithEta(etas.estimator(), etas.etas().stream()
                    .filter(eta -> fresh.containsKey(eta.driverId()))
                    .map(eta -> withEta(fresh.get(eta.driverId()), eta.seconds()))
                    .toList(), System.currentTimeMillis());
        } catch (NatrixException noEstimate) {
            // no estimator answered in time: nearest first is the next best ranking, at a city pace of 25 km/h
            return new NearbyWithEta("distance", fresh.values().stream()
                    .map(d -> withEta(d, Math.round(d.distanceMeters() / 7))).toList(), System.currentTimeMillis());
        }
    }

    /**
     * Asks the point's shard; for a point near a border, also each region whose border ring holds the whole circle
     * (its geo instances hear every position there too), at once, and takes the first answer: a region lost, or its
     * instance slow or dying with the question in flight, and the other side still answers within the same deadline
     * (the talk's "fastest result"; the cost, a second question for points within a few kilometres of a border).
     */
    private NearbyDrivers askGeo(List<String> shards, NearbyRequest area) {
        return shards.size() == 1 ? natrix.call(shards.getFirst(), area, NearbyDrivers.class, GEO_QUERY)
                : natrix.fastest(shards, area, NearbyDrivers.class, GEO_TIMEOUT);
    }

    private static DriverEta withEta(NearbyDriver driver, long seconds) {
        return new DriverEta(driver.driverId(), driver.lat(), driver.lng(), driver.distanceMeters(), seconds, driver.ageMillis());
    }

    static RideEvent event(EventType type, Ride ride, String driverId, long etaSeconds) {
        return new RideEvent(type, ride.rideId(), ride.riderId(), driverId, ride.pickupLat(), ride.pickupLng(), etaSeconds,
                System.currentTimeMillis());
    }

    static boolean matching(Ride ride) {
        return ride.status() == Status.REQUESTED || ride.status() == Status.OFFERED;
    }
}
