package io.natrix.ride.harness;

import io.natrix.ride.RideSecurity;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.ride.sim.Simulator;
import io.natrix.ride.sim.StreetGrid;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./natrix demo --regions 2}: the ride system in two regions, on NATS itself. Each region is a NATS cluster
 * of two servers, the two joined by gateways into a supercluster, and a leaf node (a city's edge) attached to the
 * south region, through which the south's HTTP gateway connects. Each region runs its own instance of every
 * service, its geo sharded by place ({@link GeoRegions}), and its own HTTP gateway; the simulator drives Tel Aviv
 * through the south's gateway, Haifa through the north's, and a town on the border through both. A request finds
 * its region's instance first and the other region's when its own has none, with no configuration: NATS does it.
 */
final class RegionsDemo {

    private volatile RegionalSystem system;
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
        Optional<RideSecurity> security = options.insecure() ? Optional.empty()
                : Optional.of(RideSecurity.reuse(RideDemo.home(), Optional.of(RegionalSystem.REGIONS)));
        boolean ok;
        try {
            demo.system = RegionalSystem.startNats(security, ports);
            demo.system.startProcesses(System.out);
            List<String> gateways = List.of(demo.system.gateway(RegionalSystem.SOUTH), demo.system.gateway(RegionalSystem.NORTH));
            List<String> ingest = List.of(demo.system.ingest(RegionalSystem.SOUTH), demo.system.ingest(RegionalSystem.NORTH));
            double speed = options.smoke() ? 150 : 12;
            double requestEvery = options.smoke() ? 2 : 60;
            // a third of the agents in each city, a sixth on each side's gateway in the border town
            List<String> listed = List.of(gateways.get(0), gateways.get(1), gateways.get(0), gateways.get(1), gateways.get(0), gateways.get(1));
            List<String> listedIngest = List.of(ingest.get(0), ingest.get(1), ingest.get(0), ingest.get(1), ingest.get(0), ingest.get(1));
            Simulator simulator = new Simulator(new Simulator.Options(listed, listedIngest, options.drivers(), options.riders(),
                    requestEvery, speed, options.duration()).withStreets(List.of(StreetGrid.telAviv(), RegionalSystem.HAIFA,
                    StreetGrid.telAviv(), RegionalSystem.HAIFA, RegionalSystem.BORDER_TOWN, RegionalSystem.BORDER_TOWN)));
            demo.apps = simulator;
            try (simulator) {
                System.out.printf("system ready: both regions' gateways answered after %.1f s; starting %,d drivers and %,d riders"
                                + " (Tel Aviv on the south's gateway, Haifa on the north's, a border town on both)%n",
                        simulator.awaitReady(Duration.ofSeconds(180)).toMillis() / 1000.0, options.drivers(), options.riders());
                simulator.start();
                Thread failover = options.smoke() ? demo.failoverDuringTheRun(options.duration()) : null;
                simulator.report(System.out, System.console() != null && !options.smoke());
                if (simulator.stopped()) {
                    return; // a signal stops the demo: its shutdown hook stops the rest
                }
                if (failover != null) {
                    failover.join();
                }
                Simulator.Counters seen = simulator.counters();
                ok = simulator.errors() == 0 && seen.nearbyUpdates() > 0 && seen.nearbyWithDrivers() >= 0.8 * seen.nearbyUpdates()
                        && simulator.ridesCompleted() > 0;
                List<String> refused = new ArrayList<>();
                demo.system.processes().forEach(group -> refused.addAll(ViolationsCheck.problems(group.instances())));
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
                RideProcesses south = system.services(RegionalSystem.SOUTH);
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

    /**
     * The apps, then the gateways, the services and the servers; the logs kept when the apps saw errors before
     * the stop (what the stop does to their streams is not the run's).
     */
    private synchronized void stop() {
        Simulator seen = apps;
        long errors = seen == null ? 0 : seen.stopBeforeTheSystem(System.out);
        RegionalSystem started = system;
        system = null;
        if (started != null) {
            started.close();
            started.logs(errors > 0, System.out);
        }
    }
}
