package io.natrix.ride.dashboard;

import io.natrix.ride.geo.GeoApi;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.Actor;
import io.natrix.gateway.Access;
import io.natrix.gateway.Gateway;
import io.natrix.gateway.Route;
import io.natrix.gateway.StreamRoute;
import io.natrix.ride.dispatch.RideMessages.RideEvent;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;
import io.natrix.ride.dispatch.DispatchApi;
import io.natrix.ride.geo.Positions;
import io.natrix.ride.sim.StreetGrid;
import io.natrix.tracing.TraceSummary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The live dashboard's data: overhears positions, availability and ride events, reads discovery and recent
 * traces, and publishes one snapshot a second on {@value DashboardApi#SNAPSHOTS}; the gateway streams it to the page at
 * {@code /dashboard} over SSE. One instance is enough: it serves nothing the riders or drivers need.
 */
public final class DashboardService implements AutoCloseable {

    private static final String SNAPSHOTS = DashboardApi.SNAPSHOTS;

    private static final System.Logger LOG = System.getLogger(DashboardService.class.getName());
    private static final Duration EVERY = Duration.ofSeconds(1);
    private static final Duration DISCOVERY_WINDOW = Duration.ofMillis(250);
    private static final Duration TRACES_EVERY = Duration.ofSeconds(5);

    /** What the page gets each second. */
    public record Snapshot(long at, List<Fleet.DriverDot> drivers, List<Fleet.RiderDot> riders, Fleet.RideCounts rides,
                           List<Traffic.Panel> services, List<List<String>> calls, List<SlowTrace> slowTraces) {
    }

    /** One of the slowest recent traces, to look at with {@code natrix trace ID}. */
    public record SlowTrace(String traceId, String root, double millis, int spans, int errors) {
    }

    private final Natrix natrix;
    private final Fleet fleet = new Fleet();
    private final Traffic traffic = new Traffic();
    private final Topology topology = new Topology();
    private final Service service;
    private final Thread publisher;
    private final Thread traceReader;
    private volatile boolean running = true;
    private volatile List<SlowTrace> slowTraces = List.of();

    private DashboardService(Natrix natrix) {
        this.natrix = natrix;
        StreetGrid.Streets streets = StreetGrid.telAviv().streets();
        this.service = natrix.service("dashboard").version("1.0.0").description("The live dashboard's snapshots")
                .broadcastListener(GeoApi.POSITIONS + ".>", byte[].class, message -> Positions.each(message, fleet::position))
                .broadcastListener(GeoApi.AVAILABILITY + ".>", DriverAvailability.class, fleet::availability)
                .broadcastListener(DispatchApi.EVENTS + ".>", RideEvent.class, fleet::ride)
                .implement(DashboardApi.class, request -> streets)
                .start();
        this.publisher = Thread.ofVirtual().name("dashboard-snapshots").start(this::publish);
        // reading traces waits out each gather window (several a round): never on the snapshot thread
        this.traceReader = Thread.ofVirtual().name("dashboard-traces").start(this::readTraces);
    }

    /** Starts the one dashboard instance on {@code natrix}. */
    public static DashboardService start(Natrix natrix) {
        return new DashboardService(natrix);
    }

    /** Where the dashboard is on a gateway; with tokens, the browser's login path ({@code /dashboard?token=...}). */
    public static final String PATH = "/dashboard";

    /**
     * The dashboard's routes on a gateway: the page, its streets and its live snapshots, for admins only (the
     * whole fleet and every ride are on it). A browser logs in once at {@code /dashboard?token=ADMIN_TOKEN}.
     */
    public static Gateway.Builder routes(Gateway.Builder gateway) {
        Access admins = Access.roles(Actor.ADMIN);
        return gateway.page(PATH, "text/html; charset=utf-8", page(), admins)
                .route(Route.get(PATH + "/streets", DashboardApi.STREETS).access(admins))
                .stream(StreamRoute.subscribe(PATH + "/live", SNAPSHOTS).access(admins));
    }

    private static byte[] page() {
        try (InputStream in = DashboardService.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard.html is missing from the ride module's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void publish() {
        while (running) {
            long started = System.nanoTime();
            try {
                List<Traffic.Panel> panels = traffic.panels(natrix.discover(DISCOVERY_WINDOW));
                natrix.publish(SNAPSHOTS, new Snapshot(System.currentTimeMillis(), fleet.drivers(), fleet.riders(),
                        fleet.counts(), panels, topology.edges(), slowTraces));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dashboard snapshot failed: {0}; trying again next second", e.toString());
            }
            if (!pause(EVERY.toNanos() - (System.nanoTime() - started))) {
                return;
            }
        }
    }

    /** The topology's arrows and the slowest recent traces, read from the traces every few seconds. */
    private void readTraces() {
        while (running) {
            try {
                slowTraces = topology.learn(natrix.nats()).stream()
                        .sorted(Comparator.comparingLong(TraceSummary::durationMicros).reversed()).limit(5)
                        .map(t -> new SlowTrace(t.traceId(), t.root(), t.durationMicros() / 1000.0, t.spans(), t.errors()))
                        .toList();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dashboard could not read traces: {0}; trying again", e.toString());
            }
            if (!pause(TRACES_EVERY.toNanos())) {
                return;
            }
        }
    }

    /** Sleeps at least a millisecond; false when interrupted (closing). */
    private static boolean pause(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(Math.max(nanos, 1_000_000)));
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        publisher.interrupt();
        traceReader.interrupt();
        service.close();
    }
}
