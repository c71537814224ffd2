package io.natrix.ride.dispatch;

import io.natrix.Natrix;
import io.natrix.NatrixException;
import io.natrix.ride.dispatch.RideMessages.EventType;
import io.natrix.ride.dispatch.RideMessages.Offer;
import io.natrix.ride.dispatch.RideMessages.Ride;
import io.natrix.ride.dispatch.RideMessages.RideEvent;
import io.natrix.ride.dispatch.RideMessages.Status;
import io.natrix.ride.eta.EtaMessages.Candidate;
import io.natrix.ride.eta.EtaMessages.Eta;
import io.natrix.ride.eta.EtaMessages.EtaRequest;
import io.natrix.ride.eta.EtaService;
import io.natrix.ride.geo.GeoMessages.NearbyDriver;
import io.natrix.ride.geo.GeoMessages.NearbyDrivers;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;
import io.natrix.ride.geo.GeoService;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Finds a driver for one ride: nearby available drivers, ranked by ETA (the first of two estimators to answer),
 * offered one at a time; a decline or a silent offer moves on to the next. Runs on a virtual thread of its own
 * until the ride is accepted, cancelled or unmatched. Every step is a conditional append, so a matcher that
 * lost a race (a cancel, or another instance's matcher) simply reads the new state and goes on from there.
 */
final class Matcher {

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
        for (Eta candidate : rankedCandidates(ride)) {
            if (!claims.claim(candidate.driverId(), ride.rideId())) {
                continue; // another ride holds this driver
            }
            Optional<Ride> offered = ledger.append(event(EventType.OFFERED, ride, candidate.driverId(), candidate.seconds()), sequence);
            if (offered.isEmpty()) {
                claims.release(candidate.driverId(), ride.rideId()); // the ride changed meanwhile
                return true;
            }
            natrix.publish("ms.drivers." + candidate.driverId() + ".offers", new Offer(ride.rideId(), ride.riderId(),
                    ride.pickupLat(), ride.pickupLng(), candidate.seconds(),
                    offered.get().updatedAt() + config.offerTimeout().toMillis()));
            notifier.rider(offered.get());
            return true;
        }
        return false;
    }

    private List<Eta> rankedCandidates(Ride ride) {
        NearbyDrivers nearby;
        try {
            nearby = natrix.call(GeoService.NEARBY, new NearbyRequest(ride.pickupLat(), ride.pickupLng(),
                    config.searchRadiusMeters(), 10), NearbyDrivers.class, Duration.ofSeconds(2));
        } catch (NatrixException geoUnavailable) {
            return List.of();
        }
        List<NearbyDriver> fresh = nearby.drivers().stream().filter(d -> !ride.declinedBy().contains(d.driverId())).toList();
        if (fresh.isEmpty()) {
            return List.of();
        }
        EtaRequest request = new EtaRequest(ride.pickupLat(), ride.pickupLng(),
                fresh.stream().map(d -> new Candidate(d.driverId(), d.lat(), d.lng())).toList(), System.currentTimeMillis());
        try {
            return EtaService.estimate(natrix, request, config.etaDeadline()).etas();
        } catch (NatrixException noEstimate) {
            // no estimator answered in time: nearest first is the next best ranking
            return fresh.stream().map(d -> new Eta(d.driverId(), Math.round(d.distanceMeters() / 7), Math.round(d.distanceMeters()))).toList();
        }
    }

    static RideEvent event(EventType type, Ride ride, String driverId, long etaSeconds) {
        return new RideEvent(type, ride.rideId(), ride.riderId(), driverId, ride.pickupLat(), ride.pickupLng(), etaSeconds,
                System.currentTimeMillis());
    }

    static boolean matching(Ride ride) {
        return ride.status() == Status.REQUESTED || ride.status() == Status.OFFERED;
    }
}
