package io.natrix.ride.dispatch;

import java.util.function.Function;
import io.natrix.Natrix;
import io.natrix.RequestContext;
import io.natrix.Service;
import io.natrix.ServiceException;
import io.natrix.ride.HomeRegion;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.ride.dispatch.RideMessages.AnswerOffer;
import io.natrix.ride.dispatch.RideMessages.CancelRide;
import io.natrix.ride.dispatch.RideMessages.DriverStep;
import io.natrix.ride.dispatch.RideMessages.EventType;
import io.natrix.ride.dispatch.RideMessages.GetRide;
import io.natrix.ride.dispatch.RideMessages.NearbyWithEta;
import io.natrix.ride.dispatch.RideMessages.RequestRide;
import io.natrix.ride.dispatch.RideMessages.Ride;
import io.natrix.ride.dispatch.RideMessages.RideEvent;
import io.natrix.ride.dispatch.RideMessages.Status;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The dispatch service: riders request and cancel rides, drivers answer offers and report pick-up and drop-off.
 * Any instance serves any ride: each one folds the {@code RIDES} stream, and every change is a conditional
 * append, so concurrent requests on several instances never assign a ride twice. A matcher follows each new
 * ride; a sweeper takes over rides whose instance went away.
 */
public final class Dispatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Dispatch.class.getName());
    private static final int ATTEMPTS = 5;

    private final Natrix natrix;
    private final DispatchConfig config;
    private final Notifier notifier;
    private final Set<String> matching = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private RideLedger ledger;
    private DriverClaims claims;
    private Matcher matcher;
    private Service service;
    private Thread sweeper;

    private Dispatch(Natrix natrix, DispatchConfig config) {
        this.natrix = natrix;
        this.config = config;
        this.notifier = new Notifier(natrix);
    }

    /** Starts one dispatch instance; it serves once it has folded every ride so far. */
    public static Dispatch start(Natrix natrix, DispatchConfig config) {
        Dispatch dispatch = new Dispatch(natrix, config);
        dispatch.service = natrix.service("dispatch").version("1.0.0").description("Rides: matching, offers and lifecycle")
                .beforeServing(() -> {
                    List<String> regions = config.regions().map(r -> r.regions().stream().map(GeoRegions.Region::name).toList())
                            .orElse(List.of());
                    dispatch.ledger = RideLedger.open(natrix.nats(), regions);
                    dispatch.claims = regions.isEmpty() ? DriverClaims.open(natrix.nats())
                            : DriverClaims.open(natrix.nats(), config.region().orElseThrow(() -> new IllegalStateException(
                            "the system runs in regions (" + config.regions().get() + "): give this dispatch instance its region"
                                    + " with -Dnatrix.region or NATRIX_REGION")), Set.copyOf(regions));
                    dispatch.matcher = new Matcher(natrix, dispatch.ledger, dispatch.claims, config, dispatch.notifier);
                })
                .implement(DispatchApi.class, dispatch.endpoints())
                .start();
        dispatch.sweeper = Thread.ofVirtual().name("dispatch-sweeper").start(dispatch::sweep);
        return dispatch;
    }

    /** What each endpoint of the contract does. */
    private DispatchApi endpoints() {
        return new DispatchApi() {
            @Override
            public Ride requestRide(RequestRide request) throws Exception {
                return request(request);
            }

            @Override
            public Ride getRide(GetRide request) throws Exception {
                return ride(request.rideId());
            }

            @Override
            public NearbyWithEta nearbyDrivers(NearbyRequest area) {
                return matcher.ranked(area, List.of());
            }

            @Override
            public Ride cancelRide(CancelRide request) throws Exception {
                return cancel(request);
            }

            @Override
            public Ride answerOffer(AnswerOffer answer) throws Exception {
                return answer(answer);
            }

            @Override
            public Ride pickUp(DriverStep step) throws Exception {
                return driverStep(step, Status.ACCEPTED, EventType.PICKED_UP);
            }

            @Override
            public Ride dropOff(DriverStep step) throws Exception {
                return driverStep(step, Status.PICKED_UP, EventType.COMPLETED);
            }
        };
    }

    /** The running service, for discovery and stats. */
    public Service service() {
        return service;
    }

    /**
     * A new ride. The request id is its idempotency key: the same request sent again (a retry after a lost
     * answer, by the app or the gateway) names the same ride, finds it stored and answers it as it is now,
     * instead of requesting a second ride.
     */
    private Ride request(RequestRide request) throws Exception {
        if (request.riderId() == null || request.riderId().isBlank() || !request.riderId().matches("[A-Za-z0-9_-]{1,64}")) {
            throw new ServiceException(400, "riderId must be 1 to 64 letters, digits, '-' or '_'");
        }
        Acting.as(Acting.RIDER, request.riderId());
        UUID key = RequestContext.current().flatMap(RequestContext::requestId)
                .map(id -> UUID.nameUUIDFromBytes(("ride/" + request.riderId() + "/" + id).getBytes(StandardCharsets.UTF_8)))
                .orElseGet(UUID::randomUUID);
        // with regions, the ride is kept in this instance's region (HomeRegion): its writes never wait on another
        // region, and a region that is lost takes only the rides its own instances took
        String rideId = HomeRegion.id(config.regions().flatMap(regions -> config.region()), key);
        Optional<Ride> active = ledger.activeRideOf(request.riderId()).filter(ride -> !ride.rideId().equals(rideId));
        if (active.isPresent() && HomeRegion.sameKey(active.get().rideId(), key)) {
            // the same request, taken first by another region's instance (sent again after its answer was lost)
            follow(active.get().rideId());
            return active.get();
        }
        if (active.isPresent()) {
            throw new ServiceException(409, "rider " + request.riderId() + " already has ride " + active.get().rideId()
                    + " (" + active.get().status() + "); cancel it or wait for it to end");
        }
        RideEvent requested = new RideEvent(EventType.REQUESTED, rideId, request.riderId(), null, request.lat(), request.lng(),
                0, System.currentTimeMillis());
        Optional<Ride> created = ledger.append(requested, 0);
        Ride ride;
        if (created.isPresent()) {
            ride = created.get();
            notifier.rider(ride);
        } else {
            ride = ledger.currentEntry(rideId).map(RideLedger.Entry::ride).filter(r -> r.riderId().equals(request.riderId()))
                    .orElseThrow(() -> new ServiceException(409, "request id already used for ride " + rideId
                            + "; send each new request with a new X-Request-Id"));
        }
        follow(rideId);
        return ride;
    }

    private Ride ride(String rideId) throws InterruptedException {
        Optional<Ride> ride = ledger.currentEntry(rideId == null ? "" : rideId).map(RideLedger.Entry::ride);
        if (ride.isPresent() && !Acting.maySee(ride.get())) {
            ledger.catchUp(rideId); // it may have just become theirs on another instance (an offer, an acceptance)
            ride = ledger.entry(rideId).map(RideLedger.Entry::ride);
        }
        return ride.filter(Acting::maySee).orElseThrow(() -> Acting.noRide(rideId));
    }

    private Ride cancel(CancelRide request) throws Exception {
        Acting.as(Acting.RIDER, request.riderId());
        Ride cancelled = transition(request.rideId(),
                ride -> ride.status() == Status.CANCELLED && ride.riderId().equals(request.riderId()),
                ride -> {
                    if (!ride.riderId().equals(request.riderId())) {
                        throw Acting.noRide(ride.rideId()); // someone else's ride: as if there were none
                    }
                    return !RideState.finished(ride);
                }, ride -> Matcher.event(EventType.CANCELLED, ride, ride.driverId(), 0), "is already finished");
        if (cancelled.driverId() != null) {
            free(cancelled.driverId(), cancelled.rideId());
        }
        return cancelled;
    }

    private Ride answer(AnswerOffer answer) throws Exception {
        Acting.as(Acting.DRIVER, answer.driverId());
        Ride answered = transition(answer.rideId(),
                ride -> answer.accept()
                        ? answer.driverId().equals(ride.driverId()) && (ride.status() == Status.ACCEPTED || ride.status() == Status.PICKED_UP)
                        : ride.declinedBy().contains(answer.driverId()),
                ride -> {
                    if (!answer.driverId().equals(ride.driverId()) && !ride.declinedBy().contains(answer.driverId())) {
                        throw Acting.noRide(ride.rideId()); // never offered to this driver: not its business
                    }
                    return ride.status() == Status.OFFERED && ride.driverId().equals(answer.driverId());
                },
                ride -> Matcher.event(answer.accept() ? EventType.ACCEPTED : EventType.DECLINED, ride, answer.driverId(), 0),
                "has no open offer for " + answer.driverId());
        if (!answer.accept()) {
            claims.release(answer.driverId(), answer.rideId());
        } else if (claims.heldBy(answer.driverId()).filter(answer.rideId()::equals).isPresent()) {
            notifier.availability(answer.driverId(), false);
        }
        return answered;
    }

    private Ride driverStep(DriverStep step, Status from, EventType next) throws Exception {
        Acting.as(Acting.DRIVER, step.driverId());
        Status to = next == EventType.COMPLETED ? Status.COMPLETED : Status.PICKED_UP;
        Ride ride = transition(step.rideId(),
                r -> step.driverId().equals(r.driverId()) && (r.status() == to || to == Status.PICKED_UP && r.status() == Status.COMPLETED),
                r -> {
                    if (!step.driverId().equals(r.driverId())) {
                        throw Acting.noRide(r.rideId()); // another driver's ride
                    }
                    return r.status() == from;
                },
                r -> Matcher.event(next, r, step.driverId(), 0), "is not " + from + " with driver " + step.driverId());
        if (next == EventType.COMPLETED) {
            free(step.driverId(), step.rideId());
        }
        return ride;
    }

    /**
     * The ride no longer holds the driver: its claim goes, and the driver is available again unless another
     * ride claimed it meanwhile (a step answered again must not undo a newer ride's claim).
     */
    private void free(String driverId, String rideId) throws IOException {
        claims.release(driverId, rideId);
        if (claims.heldBy(driverId).isEmpty()) {
            notifier.availability(driverId, true);
        }
    }

    /**
     * Appends the next event if the guard holds, re-reading and re-checking when another instance changed the
     * ride first. When the ride already is where this step leads ({@code done}: the same request answered
     * again, after its first answer was lost), it is answered as it is: a retry never fails because the first
     * attempt succeeded, and never applies twice.
     */
    private Ride transition(String rideId, Predicate<Ride> done, Predicate<Ride> guard, Function<Ride, RideEvent> next,
                            String refusal) throws Exception {
        boolean caughtUp = false;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            RideLedger.Entry entry = ledger.currentEntry(rideId == null ? "" : rideId)
                    .orElseThrow(() -> new ServiceException(404, "no ride " + rideId));
            if (done.test(entry.ride())) {
                return entry.ride();
            }
            Optional<ServiceException> refused = refusal(entry.ride(), guard, refusal);
            if (refused.isPresent()) {
                if (caughtUp) {
                    throw refused.get();
                }
                // this instance may not have folded the step that allows it (an offer another instance made a
                // moment ago): read every event stored so far, then check again, before refusing
                ledger.catchUp(rideId == null ? "" : rideId);
                caughtUp = true;
                attempt--;
                continue;
            }
            Optional<Ride> changed = ledger.append(next.apply(entry.ride()), entry.sequence());
            if (changed.isPresent()) {
                notifier.rider(changed.get());
                return changed.get();
            }
            ledger.awaitChange(rideId, entry.sequence(), Duration.ofMillis(200));
        }
        throw new ServiceException(409, "ride " + rideId + " is changing too fast; try again");
    }

    /** Why the step may not be taken on the ride as it is: someone else's ride (404) or not in its state (409). */
    private static Optional<ServiceException> refusal(Ride ride, Predicate<Ride> guard, String refusal) {
        try {
            return guard.test(ride) ? Optional.empty()
                    : Optional.of(new ServiceException(409, "ride " + ride.rideId() + " " + refusal + " (it is " + ride.status() + ")"));
        } catch (ServiceException notTheirs) {
            return Optional.of(notTheirs);
        }
    }

    /** Runs a matcher for the ride on a virtual thread, unless this instance already runs one. */
    private void follow(String rideId) {
        if (!matching.add(rideId)) {
            return;
        }
        // matching goes on after the request is answered: it carries the request's id and trace (so the trace
        // shows the geo and ETA calls it makes), but not its deadline
        RequestContext carried = RequestContext.of(RequestContext.current().map(RequestContext::headers).orElse(Map.of()));
        Thread.ofVirtual().name("matcher-" + rideId).start(() -> {
            try {
                carried.call(() -> {
                    matcher.match(rideId);
                    return null;
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "matching ride " + rideId + " stopped; another instance's sweeper will resume it", e);
            } finally {
                matching.remove(rideId);
            }
        });
    }

    /** Takes over rides still being matched whose last event is older than an offer could be: their matcher is gone. */
    private void sweep() {
        while (running) {
            try {
                Thread.sleep(1000);
                long orphanedBefore = System.currentTimeMillis() - config.offerTimeout().toMillis() - 2_000;
                for (RideLedger.Entry entry : ledger.entries()) {
                    Ride ride = entry.ride();
                    if (Matcher.matching(ride) && ride.updatedAt() < orphanedBefore && !matching.contains(ride.rideId())) {
                        LOG.log(Level.INFO, "resuming ride {0} ({1} since {2})", ride.rideId(), ride.status(), ride.updatedAt());
                        follow(ride.rideId());
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dispatch sweeper: " + e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (sweeper != null) {
            sweeper.interrupt();
        }
        service.close();
        if (ledger != null) {
            ledger.close();
        }
    }
}
