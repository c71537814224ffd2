package io.natrix.ride.harness;

import io.natrix.ride.RideSecurity;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.ride.sim.Simulator;
import io.natrix.ride.sim.StreetGrid;
import io.natrix.testkit.NatsSupercluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code ./natrix demo --regions 2}: the ride system in two regions, on NATS itself. Each region is a NATS cluster
 * of two servers, the two joined by gateways into a supercluster, and a leaf node (a city's edge) attached to the
 * south region, through which the south's HTTP gateway connects. Each region runs its own instance of every
 * service, its geo sharded by place ({@link GeoRegions}), and its own HTTP gateway; the simulator drives Tel Aviv
 * through the south's gateway, Haifa through the north's, and a town on the border through both. A request finds
 * its region's instance first and the other region's when its own has none, with no configuration: NATS does it.
 */
final class RegionsDemo {

    /** The two regions, split at latitude 32.42 (between Tel Aviv and Haifa, through Hadera). */
    static final GeoRegions REGIONS = GeoRegions.parse("south:31.0,34.0,32.42,36.0;north:32.42,34.0,34.0,36.0");
    static final StreetGrid HAIFA = StreetGrid.at(32.775, 34.975, 48, 26);
    /** About 2.4 km by 1.2 km across the border: agents on both sides of it. */
    static final StreetGrid BORDER_TOWN = StreetGrid.at(32.405, 34.90, 16, 8);

    private final List<RideProcesses> processes = new CopyOnWriteArrayList<>();
    private NatsSupercluster world;
    private volatile Simulator apps;

    private RegionsDemo() {
    }

    /** Runs the demo until its duration is over or Ctrl-C; for {@code --smoke}, exits 0 when the run went well. */
    static void run(RideDemo.Options options) throws Exception {
        RegionsDemo demo = new RegionsDemo();
        Thread stop = Thread.ofPlatform().unstarted(demo::stop);
        Runtime.getRuntime().addShutdownHook(stop);
        int[] ports = options.gatewayPorts();
        String taken = RideDemo.takenPort(ports);
        if (taken != null) {
            System.err.println("natrix demo: " + taken);
            Runtime.getRuntime().removeShutdownHook(stop);
            System.exit(2);
        }
        Optional<RideSecurity> security = options.insecure() ? Optional.empty() : Optional.of(RideSecurity.reuse(RideDemo.home(), Optional.of(REGIONS)));
        boolean ok;
        try {
            demo.start(options, ports, security);
            List<String> gateways = List.of("http://127.0.0.1:" + ports[0], "http://127.0.0.1:" + ports[1]);
            List<String> ingest = List.of("ws://127.0.0.1:" + ports[2], "ws://127.0.0.1:" + ports[3]);
            double speed = options.smoke() ? 150 : 12;
            double requestEvery = options.smoke() ? 2 : 60;
            // a third of the agents in each city, a sixth on each side's gateway in the border town
            List<String> listed = List.of(gateways.get(0), gateways.get(1), gateways.get(0), gateways.get(1), gateways.get(0), gateways.get(1));
            List<String> listedIngest = List.of(ingest.get(0), ingest.get(1), ingest.get(0), ingest.get(1), ingest.get(0), ingest.get(1));
            Simulator simulator = new Simulator(new Simulator.Options(listed, listedIngest, options.drivers(), options.riders(),
                    requestEvery, speed, options.duration()).withStreets(List.of(StreetGrid.telAviv(), HAIFA,
                    StreetGrid.telAviv(), HAIFA, BORDER_TOWN, BORDER_TOWN)));
            demo.apps = simulator;
            try (simulator) {
                System.out.printf("system ready: both regions' gateways answered after %.1f s; starting %,d drivers and %,d riders"
                                + " (Tel Aviv on the south's gateway, Haifa on the north's, a border town on both)%n",
                        simulator.awaitReady(Duration.ofSeconds(180)).toMillis() / 1000.0, options.drivers(), options.riders());
                simulator.start();
                Thread failover = options.smoke() ? demo.failoverDuringTheRun(options.duration()) : null;
                simulator.report(System.out, System.console() != null && !options.smoke());
                if (failover != null) {
                    failover.join();
                }
                Simulator.Counters seen = simulator.counters();
                ok = simulator.errors() == 0 && seen.nearbyUpdates() > 0 && seen.nearbyWithDrivers() >= 0.8 * seen.nearbyUpdates()
                        && simulator.ridesCompleted() > 0;
                List<String> refused = new ArrayList<>();
                demo.processes.forEach(system -> refused.addAll(ViolationsCheck.problems(system.instances())));
                ok &= refused.isEmpty() && !demo.failoverFailed;
                if (options.smoke()) {
                    System.out.println(ok ? "regions demo smoke passed: rides completed in two regions joined by NATS gateways,"
                            + " riders saw nearby drivers, no errors (error lines included) while the south's dispatch was away"
                            + " and back, no process refused anything by NATS"
                            : "regions demo smoke FAILED: " + simulator.summary() + (refused.isEmpty() ? "" : "; " + String.join("; ", refused)));
                }
            }
        } catch (Exception failed) {
            System.err.println("natrix demo: " + failed.getMessage());
            ok = false;
        }
        Runtime.getRuntime().removeShutdownHook(stop);
        demo.stop();
        if (options.smoke() || !ok) {
            System.exit(ok ? 0 : 1);
        }
    }

    /**
     * The smoke's fault: a third into the run the south's only dispatch instance stops (it drains), and two thirds
     * in another starts. Meanwhile the south's riders' nearby answers and rides are dispatch's work in the north,
     * reached through the gateways with nothing configured; the smoke's "no errors" covers that time too.
     */
    private Thread failoverDuringTheRun(Duration run) {
        return Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(run.dividedBy(3));
                RideProcesses south = processes.getFirst();
                RideProcesses.Instance dispatch = south.instances().stream().filter(i -> i.role().equals("dispatch")).findFirst().orElseThrow();
                south.stop(dispatch);
                System.out.println("   the south's dispatch stopped: its region's riders are served by the north's dispatch");
                Thread.sleep(run.dividedBy(3));
                south.replace(dispatch);
                System.out.println("   the south's dispatch is back: it serves its region again");
            } catch (InterruptedException | IOException | RuntimeException e) { // a fault not made must not pass for one recovered from
                System.out.println("   the failover step failed: " + e);
                failoverFailed = true;
            }
        });
    }

    private volatile boolean failoverFailed;

    private void start(RideDemo.Options options, int[] ports, Optional<RideSecurity> security) throws Exception {
        world = NatsSupercluster.start(List.of("south", "north"), 2, Optional.of("south"), true, security.map(RideSecurity::nats));
        System.out.println("NATS: a supercluster of two regions, each a cluster of two servers, joined by gateways, and a leaf node:");
        System.out.print(world.topology().indent(2));
        System.out.println(security.map(keys -> "      TLS everywhere, a NATS user per role held to its subjects, in one account beside the"
                        + " servers' system account; keys and certificates in " + RideDemo.home())
                .orElse("      INSECURE (--insecure): anyone who reaches a port may do anything"));
        System.out.println("geo sharded by place: " + REGIONS + " (a border ring of " + (int) GeoRegions.RING_METERS / 1000 + " km)");
        String[] jvm = {"-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dnatrix.metricsPort=0"};
        String south = world.servers("south");
        String north = world.servers("north");
        String leaf = world.servers(NatsSupercluster.LEAF);
        // every service in each region; the dashboard once, in the south; each gateway in its region, the
        // south's through the leaf node
        start(security, south, "south", new RideProcesses.Layout(1, 1, 1, 1, 1, 1, List.of()), jvm);
        start(security, north, "north", new RideProcesses.Layout(1, 1, 1, 1, 1, 0, List.of()), jvm);
        start(security, leaf, "south", new RideProcesses.Layout(0, 0, 0, 0, 0, 0, List.of(ports[0]), List.of(ports[2])), jvm);
        start(security, north, "north", new RideProcesses.Layout(0, 0, 0, 0, 0, 0, List.of(ports[1]), List.of(ports[3])), jvm);
        System.out.println("gateways: south http://127.0.0.1:" + ports[0] + " (through the leaf node " + leaf + "), north http://127.0.0.1:"
                + ports[1] + "; drivers' locations on ws://127.0.0.1:" + ports[2] + " and ws://127.0.0.1:" + ports[3]);
        System.out.println("try:  ./natrix ls --nats " + south.split(",")[0] + "     ./natrix ls --nats " + north.split(",")[0]
                + "   (every service, counted by region, from either)");
    }

    private void start(Optional<RideSecurity> security, String url, String region, RideProcesses.Layout layout, String[] jvm)
            throws Exception {
        String[] options = java.util.stream.Stream.concat(java.util.Arrays.stream(jvm), java.util.stream.Stream.of("-Dnatrix.region=" + region))
                .toArray(String[]::new);
        System.out.printf("starting region %s: %s%n", region, layout);
        // the stream and buckets go to the region of the first start, south, two copies each (RideStorage)
        processes.add(RideProcesses.start(url, security, Optional.of(REGIONS), 2, layout, options));
    }

    /** Gateways first, the services, then the servers; the logs kept when the apps saw errors. */
    private synchronized void stop() {
        List<RideProcesses> started = new ArrayList<>(processes);
        processes.clear();
        started.reversed().forEach(RideProcesses::close);
        if (world != null) {
            world.close();
            world = null;
        }
        Simulator seen = apps;
        boolean keep = seen != null && seen.errors() > 0;
        for (RideProcesses system : started) {
            if (keep) {
                System.out.println("natrix demo: the apps saw errors; logs kept in " + system.logs());
            } else {
                try {
                    system.deleteLogs();
                } catch (IOException e) {
                    System.out.println("natrix demo: could not delete the logs in " + system.logs() + ": " + e.getMessage());
                }
            }
        }
    }
}
