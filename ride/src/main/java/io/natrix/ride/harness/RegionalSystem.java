package io.natrix.ride.harness;

import io.natrix.ride.RideSecurity;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.ride.sim.StreetGrid;
import io.natrix.testkit.NatsSupercluster;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The ride system in two regions, south and north, on NATS itself: each region a NATS cluster of two servers, the
 * two joined by gateways into a supercluster, and a leaf node (a city's edge) attached to the south, through which
 * the south's HTTP gateway connects. Each region runs its own instance of every service, its geo sharded by place
 * ({@link #REGIONS}), and its own HTTP gateway. What {@code ./natrix demo --regions 2} and
 * {@code ./natrix chaos --regions 2} run.
 */
final class RegionalSystem implements AutoCloseable {

    static final String SOUTH = "south";
    static final String NORTH = "north";
    /** The two regions, split at latitude 32.42 (between Tel Aviv and Haifa, through Hadera). */
    static final GeoRegions REGIONS = GeoRegions.parse("south:31.0,34.0,32.42,36.0;north:32.42,34.0,34.0,36.0");
    static final StreetGrid HAIFA = StreetGrid.at(32.775, 34.975, 48, 26);
    /** About 2.4 km by 1.2 km across the border: agents on both sides of it. */
    static final StreetGrid BORDER_TOWN = StreetGrid.at(32.405, 34.90, 16, 8);

    private static final String[] JVM = {"-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dnatrix.metricsPort=0"};

    private final NatsSupercluster world;
    private final Optional<RideSecurity> security;
    /** South's services, north's services, south's gateway, north's gateway: in the order they start. */
    private final List<RideProcesses> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final int[] ports;

    private RegionalSystem(NatsSupercluster world, Optional<RideSecurity> security, int[] ports) {
        this.world = world;
        this.security = security;
        this.ports = ports.clone();
    }

    /**
     * Starts the supercluster; {@link #startProcesses} starts both regions' processes on it. {@code ports} are the
     * south's and the north's HTTP gateway ports, then their ingest ports.
     */
    static RegionalSystem startNats(Optional<RideSecurity> security, int[] ports) throws IOException {
        return new RegionalSystem(NatsSupercluster.start(List.of(SOUTH, NORTH), 2, Optional.of(SOUTH), true,
                security.map(RideSecurity::nats)), security, ports);
    }

    /** Starts each region's services, then each region's HTTP gateway, saying what it does on {@code out}. */
    void startProcesses(PrintStream out) throws Exception {
        out.println("NATS: a supercluster of two regions, each a cluster of two servers, joined by gateways, and a leaf node:");
        out.print(world.topology().indent(2));
        out.println(security.map(keys -> "      TLS everywhere, a NATS user per role held to its subjects, in one account beside the"
                        + " servers' system account; keys and certificates in " + RideDemo.home())
                .orElse("      INSECURE (--insecure): anyone who reaches a port may do anything"));
        out.println("geo sharded by place: " + REGIONS + " (a border ring of " + (int) GeoRegions.RING_METERS / 1000 + " km)");
        String south = world.servers(SOUTH);
        String north = world.servers(NORTH);
        String leaf = world.servers(NatsSupercluster.LEAF);
        // every service in each region; the dashboard once, in the south; each gateway in its region, the
        // south's through the leaf node
        start(south, SOUTH, new RideProcesses.Layout(1, 1, 1, 1, 1, 1, List.of()), out);
        start(north, NORTH, new RideProcesses.Layout(1, 1, 1, 1, 1, 0, List.of()), out);
        start(leaf, SOUTH, new RideProcesses.Layout(0, 0, 0, 0, 0, 0, List.of(ports[0]), List.of(ports[2])), out);
        start(north, NORTH, new RideProcesses.Layout(0, 0, 0, 0, 0, 0, List.of(ports[1]), List.of(ports[3])), out);
        out.println("gateways: south " + gateway(SOUTH) + " (through the leaf node " + leaf + "), north " + gateway(NORTH)
                + "; drivers' locations on " + ingest(SOUTH) + " and " + ingest(NORTH));
        out.println("try:  ./natrix ls --nats " + south.split(",")[0] + "     ./natrix ls --nats " + north.split(",")[0]
                + "   (every service, counted by region, from either)");
    }

    private void start(String url, String region, RideProcesses.Layout layout, PrintStream out) throws Exception {
        String[] options = Stream.concat(Arrays.stream(JVM), Stream.of("-Dnatrix.region=" + region)).toArray(String[]::new);
        out.printf("starting region %s: %s%n", region, layout);
        // the stream and buckets go to the region of the first start, south, two copies each (RideStorage)
        processes.add(RideProcesses.start(url, security, Optional.of(REGIONS), 2, layout, options));
    }

    /** The supercluster. */
    NatsSupercluster world() {
        return world;
    }

    /** {@code region}'s service instances (its HTTP gateway apart). */
    RideProcesses services(String region) {
        return processes.get(index(region));
    }

    /** Every group of processes: each region's services, then each region's HTTP gateway. */
    List<RideProcesses> processes() {
        return List.copyOf(processes);
    }

    /** {@code region}'s HTTP gateway. */
    String gateway(String region) {
        return "http://127.0.0.1:" + ports[index(region)];
    }

    /** {@code region}'s HTTP gateway's ingest address for drivers' location sockets. */
    String ingest(String region) {
        return "ws://127.0.0.1:" + ports[2 + index(region)];
    }

    private static int index(String region) {
        return switch (region) {
            case SOUTH -> 0;
            case NORTH -> 1;
            default -> throw new IllegalArgumentException("no region " + region);
        };
    }

    /** Gateways first, the services, then the servers; idempotent. */
    @Override
    public synchronized void close() {
        processes.reversed().forEach(RideProcesses::close);
        world.close();
    }

    /** Deletes every process's log, or keeps them and says where when {@code keep}. */
    void logs(boolean keep, PrintStream out) {
        for (RideProcesses system : processes) {
            system.keepLogsIf(keep, "", "", out);
        }
    }
}
