package io.natrix.ride.dashboard;

import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.gateway.Gateway;
import io.natrix.gateway.Route;
import io.natrix.gateway.StreamRoute;
import io.natrix.ride.dispatch.RideMessages.RideEvent;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;
import io.natrix.ride.geo.GeoMessages.DriverPosition;
import io.natrix.ride.geo.GeoService;
import io.natrix.ride.sim.StreetGrid;
import io.natrix.tracing.TraceSummary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The live dashboard's data: overhears positions, availability and ride events, reads discovery and recent
 * traces, and publishes one snapshot a second on {@value #SNAPSHOTS}; the gateway streams it to the page at
 * {@code /dashboard} over SSE. One instance is enough: it serves nothing the riders or drivers need.
 */
public final class DashboardService implements AutoCloseable {

    /** Where the snapshots go, once a second. */
    public static final String SNAPSHOTS = "ms.dashboard.Snapshot";
    /** The street graph the simulator drives on, for the page to draw. */
    public static final String STREETS = "ms.dashboard.Streets";

    private static final System.Logger LOG = System.getLogger(DashboardService.class.getName());
    private static final Duration EVERY = Duration.ofSeconds(1);
    private static final Duration DISCOVERY_WINDOW = Duration.ofMillis(250);
    private static final int TOPOLOGY_EVERY = 5;

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
    private volatile boolean running = true;
    private volatile List<SlowTrace> slowTraces = List.of();

    private DashboardService(Natrix natrix) {
        this.natrix = natrix;
        StreetGrid.Streets streets = StreetGrid.telAviv().streets();
        this.service = natrix.service("dashboard").version("1.0.0").description("The live dashboard's snapshots")
                .broadcastListener(GeoService.POSITIONS + ".>", DriverPosition.class, fleet::position)
                .broadcastListener(GeoService.AVAILABILITY + ".>", DriverAvailability.class, fleet::availability)
                .broadcastListener("ms.rides.>", RideEvent.class, fleet::ride)
                .endpoint("Streets", Map.class, request -> streets)
                .start();
        this.publisher = Thread.ofVirtual().name("dashboard-snapshots").start(this::publish);
    }

    /** Starts the one dashboard instance on {@code natrix}. */
    public static DashboardService start(Natrix natrix) {
        return new DashboardService(natrix);
    }

    /** The dashboard's routes on a gateway: the page, its streets and its live snapshots. */
    public static Gateway.Builder routes(Gateway.Builder gateway) {
        return gateway.page("/dashboard", "text/html; charset=utf-8", page())
                .route(Route.get("/dashboard/streets", STREETS))
                .stream(StreamRoute.subscribe("/dashboard/live", SNAPSHOTS));
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
        for (long tick = 0; running; tick++) {
            long started = System.nanoTime();
            try {
                if (tick % TOPOLOGY_EVERY == 0) {
                    slowTraces = topology.learn(natrix.nats()).stream()
                            .sorted(Comparator.comparingLong(TraceSummary::durationMicros).reversed()).limit(5)
                            .map(t -> new SlowTrace(t.traceId(), t.root(), t.durationMicros() / 1000.0, t.spans(), t.errors()))
                            .toList();
                }
                List<Traffic.Panel> panels = traffic.panels(natrix.discover(DISCOVERY_WINDOW));
                natrix.publish(SNAPSHOTS, new Snapshot(System.currentTimeMillis(), fleet.drivers(), fleet.riders(),
                        fleet.counts(), panels, topology.edges(), slowTraces));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dashboard snapshot failed: {0}; trying again next second", e.toString());
            }
            long left = EVERY.toNanos() - (System.nanoTime() - started);
            try {
                Thread.sleep(Duration.ofNanos(Math.max(left, 1_000_000)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        publisher.interrupt();
        service.close();
    }
}
